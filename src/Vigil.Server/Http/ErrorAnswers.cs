using System.Text.RegularExpressions;

namespace Vigil.Server.Http;

/// <summary>
/// The last line of defence: a request the framework could not read (a malformed header or query) gets its 4xx with a
/// sentence in the client's terms, a store on a full disk a 507 that says so, and an unexpected failure a 500 that says
/// where the cause is logged, never a stack trace or a .NET type name. Route handlers validate their own input first; this catches what slips past.
/// </summary>
internal static partial class ErrorAnswers
{
    /// <summary>Adds the handler to the pipeline (first, so it wraps everything else).</summary>
    public static void UseErrorAnswers(this WebApplication app)
    {
        ILogger log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Vigil.Server.Errors");
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (BadHttpRequestException e) when (!context.Response.HasStarted)
            {
                context.Response.Clear();
                await ApiError.Result(e.StatusCode, InUserTerms(e.Message)).ExecuteAsync(context);
            }
            catch (Exception e) when (!context.Response.HasStarted && Vigil.Core.DiskSpace.IsFull(e))
            {
                // 507 Insufficient Storage: nothing of this request was acknowledged; what was stored before is intact.
                log.LogError("{Method} {Path}: {Message}", context.Request.Method, context.Request.Path, Vigil.Core.DiskSpace.Explain(e, "send the request again"));
                context.Response.Clear();
                await ApiError.Result(StatusCodes.Status507InsufficientStorage, "could not store this request: " + Vigil.Core.DiskSpace.Explain(e, "send the request again")).ExecuteAsync(context);
            }
            catch (Exception e) when (!context.Response.HasStarted && e is not OperationCanceledException)
            {
                log.LogError(e, "{Method} {Path} failed", context.Request.Method, context.Request.Path);
                context.Response.Clear();
                await ApiError.Result(StatusCodes.Status500InternalServerError,
                    "the server failed on this request; the cause is in monitoring.log (please report it)").ExecuteAsync(context);
            }
        });
    }

    /// <summary>
    /// The framework's binding messages name parameters as <c>"int? limit"</c>; the client knows only <c>limit</c>.
    /// </summary>
    internal static string InUserTerms(string message)
    {
        if (BindFailure().Match(message) is { Success: true } bind)
            return $"{bind.Groups["name"].Value}={bind.Groups["value"].Value} is not a valid value";
        if (Required().Match(message) is { Success: true } required)
            return $"{required.Groups["name"].Value} is required";
        return TypedName().Replace(message, "\"${name}\"");
    }

    [GeneratedRegex("""Failed to bind parameter "[^"]* (?<name>[^" ]+)" from "(?<value>[^"]*)"\.?""")]
    private static partial Regex BindFailure();

    [GeneratedRegex("""Required parameter "[^"]* (?<name>[^" ]+)" was not provided""")]
    private static partial Regex Required();

    [GeneratedRegex("\"[^\"]* (?<name>[^\" ]+)\"")]
    private static partial Regex TypedName();
}
