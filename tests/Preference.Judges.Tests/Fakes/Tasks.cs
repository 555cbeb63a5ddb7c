using Preference.Core.Judging;

namespace Preference.Judges.Tests.Fakes;

internal static class Tasks
{
    /// <summary>A two-response task whose second response is the good one (the fake model prefers "GOOD").</summary>
    public static JudgeTask Pair(string instruction, bool firstIsGood = false) => new(
        instruction, instruction,
        [new Candidate($"{instruction}/x", firstIsGood ? "a GOOD answer" : "a weak answer"),
         new Candidate($"{instruction}/y", firstIsGood ? "a weak answer" : "a GOOD answer")]);
}
