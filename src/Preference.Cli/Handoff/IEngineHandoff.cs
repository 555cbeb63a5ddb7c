namespace Preference.Cli.Handoff;

/// <summary>One engine's part of a hand-off: its data files, its launch script, and what its README section says.</summary>
public interface IEngineHandoff
{
    string Engine { get; }

    /// <summary>Writes the engine's data and launch files; returns the README lines that say what to run where.</summary>
    Task<IReadOnlyList<string>> WriteAsync(HandoffPlan plan, CancellationToken cancellationToken);
}
