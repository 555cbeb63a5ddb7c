namespace Preference.Core.Aggregation;

/// <summary>
/// The consensus on one pair of responses: <see cref="Agreement"/> is the fraction of annotators whose ranking puts
/// <see cref="Better"/> above <see cref="Worse"/> (a tie counts against), <see cref="Votes"/> how many ranked both.
/// </summary>
public sealed record AggregatedPair(string Better, string Worse, double Agreement, int Votes);
