using System.CommandLine;

namespace Preference.Cli.Serving;

/// <summary>
/// Runs a command body, printing a <see cref="CliException"/>, an unreadable model/tokenizer, an invalid argument or a
/// connection failure as one line (exit 1).
/// </summary>
public static class CliAction
{
    public static Func<ParseResult, CancellationToken, Task<int>> Of(Func<ParseResult, CancellationToken, Task> body) =>
        async (parse, cancellationToken) =>
        {
            try
            {
                await body(parse, cancellationToken);
                return 0;
            }
            catch (CliException e)
            {
                await Console.Error.WriteLineAsync($"error: {e.Message}");
                return 1;
            }
            catch (Exception e) when (e is Preference.Models.ModelFormatException or Preference.Models.Tokenization.TokenizerFormatException
                                           or ArgumentException or FileNotFoundException or DirectoryNotFoundException)
            {
                await Console.Error.WriteLineAsync($"error: {e.Message}");
                return 1;
            }
            catch (Core.Api.PreferenceApiException e)
            {
                // The server answered and said what is wrong: its own words, one line.
                await Console.Error.WriteLineAsync($"error: {e.Message}");
                return 1;
            }
            catch (HttpRequestException e)
            {
                await Console.Error.WriteLineAsync($"error: cannot reach the server: {e.Message}");
                return 1;
            }
        };
}
