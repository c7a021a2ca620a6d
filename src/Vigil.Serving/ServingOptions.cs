namespace Vigil.Serving;

/// <summary>How <c>vigil serve --models</c> serves.</summary>
public sealed record ServingOptions
{
    /// <summary>The gRPC port of the Open Inference Protocol (Triton's default).</summary>
    public const int DefaultGrpcPort = 8001;

    /// <summary>The model repository folder.</summary>
    public required string ModelsFolder { get; init; }

    /// <summary>The gRPC port (HTTP/2 without TLS); 0 picks a free one.</summary>
    public int GrpcPort { get; init; } = DefaultGrpcPort;

    /// <summary>The largest inference request body (REST) or message (gRPC), in bytes.</summary>
    public long MaxRequestBytes { get; init; } = 64L << 20;

    /// <summary>How the repository loads and watches.</summary>
    public Repository.RepositoryOptions Repository { get; init; } = new();
}
