using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Preference.Store.Errors;

namespace Preference.Server.Problems;

/// <summary>
/// Maps the store's exceptions and malformed request bodies to ProblemDetails, with an <c>errors</c> entry naming
/// the field, so every 4xx tells the client what to fix.
/// </summary>
public sealed class StoreExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        ProblemDetails? problem = exception switch
        {
            StoreValidationException e => Validation(e.Field, e.Message),
            StoreConflictException e => new ProblemDetails { Status = 409, Title = "Conflict", Detail = e.Message },
            StoreNotFoundException e => new ProblemDetails { Status = 404, Title = "Not found", Detail = e.Message },
            StoreForbiddenException e => new ProblemDetails { Status = 403, Title = "Forbidden", Detail = e.Message },
            BadHttpRequestException { InnerException: JsonException json } => Validation(FieldOf(json), Clean(json.Message)),
            BadHttpRequestException { StatusCode: 413 } e => new HttpValidationProblemDetails(new Dictionary<string, string[]> { ["body"] = [e.Message] })
            {
                Status = 413, Title = "Request body too large", Detail = $"body: {e.Message}",
            },
            BadHttpRequestException e => new ProblemDetails { Status = e.StatusCode, Title = "Bad request", Detail = e.Message },
            _ => null,
        };
        if (problem is null) return false;
        context.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }

    private static HttpValidationProblemDetails Validation(string field, string message) =>
        new(new Dictionary<string, string[]> { [field] = [message] }) { Status = 400, Title = "Invalid request", Detail = $"{field}: {message}" };

    private static string FieldOf(JsonException json)
    {
        if (json.Path is { Length: > 2 } path && path.StartsWith("$.")) return path[2..];
        // STJ reports missing required members in the message, not the path.
        const string marker = "missing required properties including: ";
        int at = json.Message.IndexOf(marker, StringComparison.Ordinal);
        return at >= 0 ? json.Message[(at + marker.Length)..].Trim().TrimEnd('.').Trim('\'').Split('\'')[0] : "body";
    }

    private static string Clean(string message) => message.Split(" Path:")[0].Split(" LineNumber")[0];
}
