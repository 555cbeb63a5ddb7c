namespace Preference.Server.Ui;

/// <summary>
/// Finds the built web app. The .NET build never runs npm, so the UI may be missing; the server then answers
/// with a page saying how to build it rather than failing to start.
/// </summary>
public static class UiFiles
{
    public const string NotBuiltPage = """
        <!doctype html><html><head><meta charset="utf-8"><title>Preference</title></head>
        <body>
        <h1>UI not built</h1>
        <p>The API is running, but the web app has not been built. Run <code>tools/install-deps.sh</code>
        (it runs <code>npm ci</code> and <code>npm run build</code> in <code>ui/</code>) and restart the server.</p>
        <p>The API description is at <a href="/openapi/v1.json">/openapi/v1.json</a>.</p>
        </body></html>
        """;

    /// <summary>The configured directory if it holds index.html, else the nearest <c>ui/dist</c> above the executable.</summary>
    public static string? Locate(string? configured)
    {
        if (configured is not null) return File.Exists(Path.Combine(configured, "index.html")) ? Path.GetFullPath(configured) : null;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "ui", "dist");
            if (File.Exists(Path.Combine(candidate, "index.html"))) return candidate;
        }
        return null;
    }
}
