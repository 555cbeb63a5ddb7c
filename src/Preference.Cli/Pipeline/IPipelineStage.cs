namespace Preference.Cli.Pipeline;

/// <summary>One step of the quickstart. Its fingerprint covers <see cref="Inputs"/> and every earlier stage's.</summary>
public interface IPipelineStage
{
    string Name { get; }

    /// <summary>The settings and files this stage reads (JSON-serialisable); a change makes a finished stage refuse to be reused.</summary>
    object Inputs(PipelineContext context);

    /// <param name="resume">The stage started on an earlier run and did not finish: continue its work.</param>
    /// <returns>False when the stage stopped early on purpose (it stays unfinished and resumes next time).</returns>
    Task<bool> RunAsync(PipelineContext context, bool resume, CancellationToken cancellationToken);
}
