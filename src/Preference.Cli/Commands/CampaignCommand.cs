using System.CommandLine;
using Preference.Cli.Rewards;
using Preference.Cli.Serving;
using Preference.Core.Api;
using Preference.Training.Reward.Data;

namespace Preference.Cli.Commands;

/// <summary>
/// `pref campaign score`: scores a campaign's tasks with a reward model and uploads the scores, which the
/// `uncertainty` and `judgeDisagreement` queue orders read. The server holds no model, so the scoring runs here and
/// only numbers travel; run it again after retraining the reward model to reorder what is left.
/// </summary>
public static class CampaignCommand
{
    public static Command Create() => new("campaign", "Campaign tools that run beside the server") { Score() };

    static Command Score()
    {
        var campaign = new Option<string>("--campaign") { Description = "Campaign id", Required = true };
        var rewardModel = new Option<string>("--reward-model") { Description = "Reward model directory (`pref rm train`'s output, or a TRL/OpenRLHF one)", Required = true };
        var batch = new Option<int>("--batch-size") { Description = "Completions scored per forward pass", DefaultValueFactory = _ => 32 };
        var page = new Option<int>("--page-size")
        {
            Description = "Tasks read, scored and uploaded at a time (1..1000)", DefaultValueFactory = _ => 500,
        };
        var command = new Command("score", "Score a campaign's tasks with a reward model and upload the scores (for queueOrder uncertainty / judgeDisagreement)")
        {
            campaign, rewardModel, batch, page, ApiConnection.ServerOption, ApiConnection.TokenOption, RuntimeOptions.Device, RuntimeOptions.Threads,
        };
        command.SetAction(CliAction.Of(async (parse, cancellationToken) =>
        {
            int batchSize = parse.GetValue(batch), pageSize = parse.GetValue(page);
            if (batchSize < 1) throw new CliException("--batch-size: must be at least 1");
            if (pageSize is < 1 or > 1000) throw new CliException("--page-size: must be 1..1000");
            var client = ApiConnection.Create(parse);
            var id = parse.GetValue(campaign)!;
            var device = RuntimeOptions.Apply(parse);
            using var model = RewardModelLoader.Load(parse.GetValue(rewardModel)!, device);
            int scored = 0;
            for (int offset = 0; ; offset += pageSize)
            {
                var tasks = await client.TaskContentsAsync(id, offset, pageSize, cancellationToken);
                if (tasks.Count == 0) break;
                var upload = ScorePage(tasks, model, batchSize, cancellationToken);
                scored += (await client.UploadTaskScoresAsync(id, upload, cancellationToken)).Tasks;
                Console.Error.Write($"\rscored {scored} tasks");
                if (tasks.Count < pageSize) break;
            }
            Console.Error.WriteLine();
            Console.WriteLine($"uploaded scores of {scored} tasks to campaign {id}");
        }));
        return command;
    }

    /// <summary>Every completion of every task, scored in batches across tasks, as the upload's per-task scores.</summary>
    static TaskScoresUpload ScorePage(IReadOnlyList<TaskContentView> tasks, Training.Reward.Modeling.RewardModel model, int batchSize,
        CancellationToken cancellationToken)
    {
        var inputs = tasks.SelectMany(task =>
        {
            var prompt = RewardText.Prompt(task.Prompt.Text, task.Prompt.Messages);
            return task.Completions.Select(c => (prompt, RewardText.Completion(c.Text, c.Messages)));
        }).ToList();
        var scores = model.Score(inputs, batchSize, cancellationToken);
        int at = 0;
        var items = new List<TaskScoresItem>(tasks.Count);
        foreach (var task in tasks)
        {
            var byCompletion = new Dictionary<string, double>();
            foreach (var completion in task.Completions)
            {
                double score = scores[at++];
                if (!double.IsFinite(score))
                    throw new CliException($"--reward-model: scored completion {completion.Id} of task {task.TaskId} as {score}; nothing more was uploaded");
                byCompletion[completion.Id] = score;
            }
            items.Add(new TaskScoresItem(task.TaskId, byCompletion));
        }
        return new TaskScoresUpload(items);
    }
}
