namespace Preference.Bench;

/// <summary>One benchmark: `dotnet run --project bench/Preference.Bench -c Release -- NAME [args]`.</summary>
public interface IBenchmark
{
    string Name { get; }
    string Description { get; }
    Task RunAsync(string[] args, CancellationToken cancellationToken);
}
