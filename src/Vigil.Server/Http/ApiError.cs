namespace Vigil.Server.Http;

/// <summary>The body of every error answer: what went wrong, for people and scripts.</summary>
/// <param name="Error">One sentence: what was wrong and, where it helps, how to fix it.</param>
/// <param name="Status">The HTTP status code.</param>
/// <param name="State">For control routes answered 409: the current run state.</param>
public sealed record ApiError(string Error, int Status, string? State = null)
{
    /// <summary>The error as a JSON result with its status code.</summary>
    public static IResult Result(int status, string error, string? state = null) =>
        Results.Json(new ApiError(error, status, state), statusCode: status);
}
