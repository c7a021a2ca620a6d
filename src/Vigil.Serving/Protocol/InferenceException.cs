namespace Vigil.Serving.Protocol;

/// <summary>What kind of failure a request met; each transport maps it to its own status.</summary>
public enum InferenceFailure
{
    /// <summary>The request is wrong (REST 400, gRPC INVALID_ARGUMENT).</summary>
    InvalidArgument,

    /// <summary>No such model or version (REST 404, gRPC NOT_FOUND).</summary>
    NotFound,

    /// <summary>The model is not ready, or its queue is full (REST 503, gRPC UNAVAILABLE).</summary>
    Unavailable,

    /// <summary>The request is larger than the service takes (REST 413, gRPC RESOURCE_EXHAUSTED).</summary>
    TooLarge,
}

/// <summary>A request the service refuses, with a sentence for the client.</summary>
public sealed class InferenceException(InferenceFailure failure, string message, TimeSpan? retryAfter = null) : Exception(message)
{
    /// <summary>The kind of failure.</summary>
    public InferenceFailure Failure { get; } = failure;

    /// <summary>For a full queue: when to try again (REST <c>Retry-After</c>).</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>A 400-kind refusal.</summary>
    public static InferenceException Invalid(string message) => new(InferenceFailure.InvalidArgument, message);
}
