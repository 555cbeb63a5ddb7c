using System.Buffers;
using System.Text.Json;
using Preference.Core.Domain;

namespace Preference.Core.Datasets;

/// <summary>
/// Writes preference pairs as TRL-ready JSONL (what <c>RewardTrainer</c>/<c>DPOTrainer</c> load with
/// <c>load_dataset("json")</c>), one pair per line, plus <c>agreement</c>/<c>votes</c> columns TRL ignores.
/// The same rows are OpenRLHF's reward/DPO data (<c>--data.chosen_key chosen --data.rejected_key rejected</c>), which
/// also reads an optional <c>margin</c> for its margin loss.
/// </summary>
public static class TrlPreferenceWriter
{
    public static async Task<int> WriteAsync(
        Stream output, IAsyncEnumerable<PreferencePair> pairs, TrlExportStyle style, CancellationToken cancellationToken = default,
        bool margin = false)
    {
        int count = 0;
        // Rows are built in memory and written asynchronously: the output may be an HTTP response, which forbids
        // the synchronous flush a Utf8JsonWriter over a Stream would do.
        var buffer = new ArrayBufferWriter<byte>();
        await foreach (var pair in pairs.WithCancellation(cancellationToken))
        {
            buffer.ResetWrittenCount();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                if (style == TrlExportStyle.Standard)
                {
                    writer.WriteString("prompt", pair.Prompt.AsPlainText());
                    writer.WriteString("chosen", pair.Chosen.AsPlainText());
                    writer.WriteString("rejected", pair.Rejected.AsPlainText());
                }
                else
                {
                    WriteMessages(writer, "prompt", pair.Prompt.Messages ?? [new Message("user", pair.Prompt.Text ?? "")]);
                    WriteMessages(writer, "chosen", pair.Chosen.Messages ?? [new Message("assistant", pair.Chosen.Text ?? "")]);
                    WriteMessages(writer, "rejected", pair.Rejected.Messages ?? [new Message("assistant", pair.Rejected.Text ?? "")]);
                }
                writer.WriteNumber("agreement", Math.Round(pair.Agreement, 4));
                writer.WriteNumber("votes", pair.Votes);
                // How decisively the annotators preferred chosen: votes for minus votes against, over all votes (0..1).
                if (margin) writer.WriteNumber("margin", Math.Round(2 * pair.Agreement - 1, 4));
                writer.WriteEndObject();
            }
            buffer.Write("\n"u8);
            await output.WriteAsync(buffer.WrittenMemory, cancellationToken);
            count++;
            if (count % 256 == 0) await output.FlushAsync(cancellationToken);
        }
        await output.FlushAsync(cancellationToken);
        return count;
    }

    private static void WriteMessages(Utf8JsonWriter writer, string name, IEnumerable<Message> messages)
    {
        writer.WriteStartArray(name);
        foreach (var m in messages)
        {
            writer.WriteStartObject();
            writer.WriteString("role", m.Role);
            writer.WriteString("content", m.Content);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }
}
