using System.Buffers;
using System.Text.Json;
using Preference.Core.Domain;

namespace Preference.Core.Datasets;

/// <summary>
/// Writes preference pairs as TRL-ready JSONL (what <c>RewardTrainer</c>/<c>DPOTrainer</c> load with
/// <c>load_dataset("json")</c>), one pair per line, plus <c>agreement</c>/<c>votes</c> columns TRL ignores.
/// </summary>
public static class TrlPreferenceWriter
{
    public static async Task<int> WriteAsync(
        Stream output, IAsyncEnumerable<PreferencePair> pairs, TrlExportStyle style, CancellationToken cancellationToken = default)
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
