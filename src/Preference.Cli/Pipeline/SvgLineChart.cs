using System.Globalization;
using System.Net;
using System.Text;

namespace Preference.Cli.Pipeline;

/// <summary>A small self-contained SVG line chart (no scripts, no external assets), so report.html opens anywhere.</summary>
public static class SvgLineChart
{
    const int Width = 460, Height = 240, Left = 56, Right = 14, Top = 30, Bottom = 36;

    public static string Render(string title, string yLabel, IReadOnlyList<(double X, double Y)> points, string color = "#2563eb")
    {
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" role=\"img\" aria-label=\"{WebUtility.HtmlEncode(title)}\">");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width / 2}\" y=\"18\" text-anchor=\"middle\" font-size=\"14\" font-family=\"sans-serif\">{WebUtility.HtmlEncode(title)}</text>");
        if (points.Count == 0)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width / 2}\" y=\"{Height / 2}\" text-anchor=\"middle\" font-family=\"sans-serif\" fill=\"#888\">no data</text></svg>");
            return svg.ToString();
        }
        double x0 = points.Min(p => p.X), x1 = points.Max(p => p.X), y0 = points.Min(p => p.Y), y1 = points.Max(p => p.Y);
        if (x1 == x0) x1 = x0 + 1;
        if (y1 == y0) { y0 -= 0.5; y1 += 0.5; }
        double Sx(double x) => Left + (x - x0) / (x1 - x0) * (Width - Left - Right);
        double Sy(double y) => Height - Bottom - (y - y0) / (y1 - y0) * (Height - Top - Bottom);
        string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);
        string Label(double v) => v.ToString(Math.Abs(y1 - y0) < 0.1 ? "0.0000" : "0.###", CultureInfo.InvariantCulture);

        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Left}\" y=\"{Top}\" width=\"{Width - Left - Right}\" height=\"{Height - Top - Bottom}\" fill=\"none\" stroke=\"#ccc\"/>");
        foreach (var y in new[] { y0, (y0 + y1) / 2, y1 })
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 4}\" y=\"{F(Sy(y) + 4)}\" text-anchor=\"end\" font-size=\"10\" font-family=\"sans-serif\">{Label(y)}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left}\" y=\"{Height - 20}\" font-size=\"10\" font-family=\"sans-serif\">{F(x0)}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width - Right}\" y=\"{Height - 20}\" text-anchor=\"end\" font-size=\"10\" font-family=\"sans-serif\">{F(x1)}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{(Left + Width - Right) / 2}\" y=\"{Height - 6}\" text-anchor=\"middle\" font-size=\"11\" font-family=\"sans-serif\">step</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"12\" y=\"{(Top + Height - Bottom) / 2}\" transform=\"rotate(-90 12 {(Top + Height - Bottom) / 2})\" text-anchor=\"middle\" font-size=\"11\" font-family=\"sans-serif\">{WebUtility.HtmlEncode(yLabel)}</text>");
        var path = string.Join(" ", points.Select(p => $"{F(Sx(p.X))},{F(Sy(p.Y))}"));
        svg.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"{path}\"/>");
        foreach (var p in points)
            svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{F(Sx(p.X))}\" cy=\"{F(Sy(p.Y))}\" r=\"2.5\" fill=\"{color}\"/>");
        svg.Append("</svg>");
        return svg.ToString();
    }
}
