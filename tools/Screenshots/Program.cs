using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Preference.Cli.Tests.Browser;
using Preference.Tools.Screenshots;

// Takes the README's two screenshots from real runs of the bundled quickstart (configs/quickstart.yaml):
// docs/images/annotate.png — the annotation page of a `--human` quickstart campaign, two of four stories ranked;
// docs/images/dashboard.png — the training dashboard while that quickstart's PPO stage is running.
// Usage, from anywhere in the repository: dotnet run --project tools/Screenshots -c Release

var root = FindRepositoryRoot();
var images = Directory.CreateDirectory(Path.Combine(root, "docs", "images")).FullName;
var scratch = Directory.CreateTempSubdirectory("pref-screenshots-").FullName;
var dashboardLine = new Regex(@"^dashboard: (\S+)\s+\(admin token: (\S+)\)");
try
{
    await using var chromium = await DebianChromium.LaunchAsync();

    await using (var human = PrefRun.Start(root, "quickstart", "--human", "--run-dir", Path.Combine(scratch, "human"),
                     "--set", "quickstart.candidates_per_prompt=4", "--set", "quickstart.tasks_per_prompt=1"))
    {
        var address = new Uri((await human.WaitForAsync(dashboardLine, TimeSpan.FromMinutes(1))).Groups[1].Value);
        var token = (await human.WaitForAsync(new Regex(@"annotator token (\S+)"), TimeSpan.FromMinutes(5))).Groups[1].Value;
        var page = await chromium.SignedInPageAsync(address, token, 1280, 820);
        await page.GotoAsync("/#/annotate/quickstart");
        var cards = page.Locator("article");
        await Assertions.Expect(cards).ToHaveCountAsync(4, new() { Timeout = 30_000 });
        // As a person would: keyboard only, the second story best so far, the first one second.
        await page.Keyboard.PressAsync("2");
        await page.Keyboard.PressAsync("ArrowRight");
        await page.Keyboard.PressAsync("1");
        await Assertions.Expect(page.Locator(".rank[data-rank='1']")).ToHaveCountAsync(1);
        await Save(page, "annotate.png");
    }

    await using (var quickstart = PrefRun.Start(root, "quickstart", "--run-dir", Path.Combine(scratch, "judge")))
    {
        var dashboard = await quickstart.WaitForAsync(dashboardLine, TimeSpan.FromMinutes(1));
        var runId = (await quickstart.WaitForAsync(new Regex(@"^ppo: live metrics on the dashboard at \S+ \(run (\S+)\)"), TimeSpan.FromMinutes(10))).Groups[1].Value;
        var page = await chromium.SignedInPageAsync(new Uri(dashboard.Groups[1].Value), dashboard.Groups[2].Value, 1280, 960);
        await page.GotoAsync($"/#/training/{Uri.EscapeDataString(runId)}");
        // Late enough in PPO that the curves have a shape, early enough that the run is still live.
        await quickstart.WaitForAsync(new Regex(@"^ppo: step 14/"), TimeSpan.FromMinutes(10));
        // KL, then the reward-model score and the KL-penalised reward: the three curves a reader looks at first.
        await page.Locator(".chart[data-metric='objective/kl']").EvaluateAsync("chart => chart.scrollIntoView({ block: 'start' })");
        await Save(page, "dashboard.png");
    }
}
finally
{
    Directory.Delete(scratch, recursive: true);
}

async Task Save(IPage page, string name)
{
    var path = Path.Combine(images, name);
    await page.ScreenshotAsync(new PageScreenshotOptions { Path = path });
    Console.WriteLine($"wrote {path} ({new FileInfo(path).Length / 1024} KB)");
}

static string FindRepositoryRoot()
{
    foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Preference.sln"))) return dir.FullName;
    throw new DirectoryNotFoundException("run this from inside the repository (Preference.sln not found above here)");
}
