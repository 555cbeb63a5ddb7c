using Preference.Bench;

// Every IBenchmark in this assembly is runnable by name; each prints one table a person can paste into a note.
var benchmarks = typeof(IBenchmark).Assembly.GetTypes()
    .Where(t => typeof(IBenchmark).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
    .Select(t => (IBenchmark)Activator.CreateInstance(t)!)
    .OrderBy(b => b.Name)
    .ToList();

if (args.Length == 0 || benchmarks.All(b => b.Name != args[0]))
{
    Console.Error.WriteLine(args.Length == 0 ? "usage: Preference.Bench NAME [args]" : $"unknown benchmark '{args[0]}'");
    foreach (var b in benchmarks) Console.Error.WriteLine($"  {b.Name,-24} {b.Description}");
    return 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
await benchmarks.Single(b => b.Name == args[0]).RunAsync(args[1..], cancel.Token);
return 0;
