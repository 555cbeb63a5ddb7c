using System.Globalization;
using System.Text;

namespace Preference.Cli.Pipeline;

/// <summary>The win rate as a bar on a 0–100% axis with its 95% interval and the 50% line (no better than SFT).</summary>
public static class SvgWinRateChart
{
    public static string Render(double winRate, double low, double high)
    {
        const int width = 460, height = 90, left = 20, right = 20, top = 30, bar = 26;
        double Sx(double v) => left + v * (width - left - right);
        string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"win rate\">");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{width / 2}\" y=\"18\" text-anchor=\"middle\" font-size=\"14\" font-family=\"sans-serif\">Win rate vs SFT: {winRate:P1} (95% CI {low:P1} – {high:P1})</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{left}\" y=\"{top}\" width=\"{width - left - right}\" height=\"{bar}\" fill=\"#eee\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{left}\" y=\"{top}\" width=\"{F(Sx(winRate) - left)}\" height=\"{bar}\" fill=\"#16a34a\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{F(Sx(low))}\" x2=\"{F(Sx(high))}\" y1=\"{top + bar / 2}\" y2=\"{top + bar / 2}\" stroke=\"#111\" stroke-width=\"2\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{F(Sx(0.5))}\" x2=\"{F(Sx(0.5))}\" y1=\"{top - 4}\" y2=\"{top + bar + 4}\" stroke=\"#dc2626\" stroke-dasharray=\"4 3\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left}\" y=\"{top + bar + 18}\" font-size=\"10\" font-family=\"sans-serif\">0%</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(Sx(0.5))}\" y=\"{top + bar + 18}\" text-anchor=\"middle\" font-size=\"10\" font-family=\"sans-serif\">50%</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{width - right}\" y=\"{top + bar + 18}\" text-anchor=\"end\" font-size=\"10\" font-family=\"sans-serif\">100%</text>");
        svg.Append("</svg>");
        return svg.ToString();
    }
}
