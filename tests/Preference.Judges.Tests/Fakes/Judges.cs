using Preference.Judges.OpenAi;
using Preference.Judges.Resilience;

namespace Preference.Judges.Tests.Fakes;

internal static class TestJudges
{
    /// <summary>Resilience settings scaled down so fault-injection runs take seconds; the logic is the production one.</summary>
    public static ResilienceSettings Fast { get; } = new()
    {
        Timeout = TimeSpan.FromMilliseconds(500),
        MaxRetries = 4,
        BaseDelay = TimeSpan.FromMilliseconds(10),
        MaxDelay = TimeSpan.FromSeconds(3),
        MaxConcurrency = 4,
        CircuitMinimumThroughput = 1000, // out of the way unless a test is about it
    };

    public static ChatJudge Chat(FakeChatServer server, ResilienceSettings? resilience = null, string name = "fake-judge") =>
        new(OpenAiChatClients.Create(server.BaseUrl, "fake-judge", "test-key"),
            new ChatJudgeOptions { Name = name, Model = "fake-judge", Resilience = resilience ?? Fast });
}
