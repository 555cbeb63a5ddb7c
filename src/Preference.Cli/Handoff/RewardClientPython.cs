namespace Preference.Cli.Handoff;

/// <summary>
/// The Python that calls `pref serve-reward` from inside an engine: one POST to /v1/rewards per batch, the bearer
/// token from PREF_REWARD_TOKEN, and a wait-and-retry on 429 (the server's queue bound) honouring Retry-After.
/// </summary>
public static class RewardClientPython
{
    public const string Preamble = """
        import os
        import time

        import requests

        REWARD_URL = os.environ.get("REWARD_URL", "http://127.0.0.1:5090").rstrip("/") + "/v1/rewards"
        HEADERS = {"Authorization": "Bearer " + os.environ["PREF_REWARD_TOKEN"]} if os.environ.get("PREF_REWARD_TOKEN") else {}


        def pref_rewards(prompts, completions, references=None):
            body = {"prompts": list(prompts), "completions": list(completions)}
            if references is not None:
                body["references"] = [None if r is None else str(r) for r in references]
            for _ in range(60):
                response = requests.post(REWARD_URL, json=body, headers=HEADERS, timeout=300)
                if response.status_code == 429:
                    time.sleep(float(response.headers.get("Retry-After", "1")))
                    continue
                response.raise_for_status()
                return response.json()["rewards"]
            raise RuntimeError("reward server stayed busy (429) for a minute: " + REWARD_URL)
        """;
}
