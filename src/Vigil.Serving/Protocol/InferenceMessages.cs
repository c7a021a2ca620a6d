namespace Vigil.Serving.Protocol;

/// <summary>The Open Inference Protocol's tensor datatypes that Vigil's tensors use.</summary>
public static class Datatypes
{
    /// <summary>Variable-length byte strings (encoded images, class names, PNG error maps).</summary>
    public const string Bytes = "BYTES";

    /// <summary>8-bit unsigned integers.</summary>
    public const string UInt8 = "UINT8";

    /// <summary>32-bit floats.</summary>
    public const string Fp32 = "FP32";

    /// <summary>Booleans (one byte each in binary form).</summary>
    public const string Bool = "BOOL";
}

/// <summary>A tensor's declaration in model metadata: name, datatype, shape (-1 for a variable dimension).</summary>
/// <param name="Name">The tensor's name.</param>
/// <param name="Datatype">One of <see cref="Datatypes"/>.</param>
/// <param name="Shape">Its shape.</param>
public sealed record TensorMetadata(string Name, string Datatype, IReadOnlyList<long> Shape);

/// <summary>An input tensor of a request, decoded from JSON, binary data or protobuf.</summary>
public sealed class InputTensor
{
    /// <summary>The tensor's name.</summary>
    public required string Name { get; init; }

    /// <summary>Its datatype as the client wrote it.</summary>
    public required string Datatype { get; init; }

    /// <summary>Its shape.</summary>
    public required IReadOnlyList<long> Shape { get; init; }

    /// <summary>Its parameters (bool, long, double, ulong or string values).</summary>
    public IReadOnlyDictionary<string, object> Parameters { get; init; } = new Dictionary<string, object>();

    /// <summary>BYTES elements; null for other datatypes.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>>? Bytes { get; init; }

    /// <summary>UINT8 elements, row-major; null for other datatypes.</summary>
    public byte[]? UInt8 { get; init; }

    /// <summary>FP32 elements, row-major; null for other datatypes.</summary>
    public float[]? Fp32 { get; init; }
}

/// <summary>An output a request asks for.</summary>
/// <param name="Name">The output's name.</param>
/// <param name="Binary">Whether it should come as binary data (the binary tensor extension) rather than JSON.</param>
public sealed record RequestedOutput(string Name, bool Binary);

/// <summary>An inference request, whichever transport brought it.</summary>
public sealed class InferRequest
{
    /// <summary>The client's id, echoed in the answer.</summary>
    public string? Id { get; init; }

    /// <summary>Request parameters (e.g. <c>threshold</c>).</summary>
    public IReadOnlyDictionary<string, object> Parameters { get; init; } = new Dictionary<string, object>();

    /// <summary>The inputs.</summary>
    public required IReadOnlyList<InputTensor> Inputs { get; init; }

    /// <summary>The outputs asked for; null for the model's default outputs.</summary>
    public IReadOnlyList<RequestedOutput>? Outputs { get; init; }

    /// <summary>REST: whether outputs not named in <see cref="Outputs"/> come as binary data (<c>binary_data_output</c>).</summary>
    public bool BinaryOutputs { get; init; }
}

/// <summary>An output tensor of an answer.</summary>
public sealed class OutputTensor
{
    /// <summary>The tensor's name.</summary>
    public required string Name { get; init; }

    /// <summary>Its datatype.</summary>
    public required string Datatype { get; init; }

    /// <summary>Its shape.</summary>
    public required long[] Shape { get; init; }

    /// <summary>FP32 values, row-major.</summary>
    public float[]? Fp32 { get; init; }

    /// <summary>BOOL values.</summary>
    public bool[]? Bool { get; init; }

    /// <summary>BYTES elements.</summary>
    public byte[][]? Bytes { get; init; }

    /// <summary>Whether BYTES elements are text (class names) rather than binary (PNG): JSON writes text as strings and binary as base64.</summary>
    public bool Text { get; init; }

    /// <summary>REST: whether it goes as binary data.</summary>
    public bool Binary { get; init; }
}

/// <summary>An inference answer.</summary>
public sealed class InferResponse
{
    /// <summary>The model that answered.</summary>
    public required string ModelName { get; init; }

    /// <summary>Its version.</summary>
    public required string ModelVersion { get; init; }

    /// <summary>The request's id.</summary>
    public string? Id { get; init; }

    /// <summary>The outputs.</summary>
    public required IReadOnlyList<OutputTensor> Outputs { get; init; }
}

/// <summary>A model's metadata: name, versions, platform, tensors, and Vigil's properties (threshold, batching).</summary>
public sealed record ModelMetadata(string Name, IReadOnlyList<string> Versions, string Platform, IReadOnlyList<TensorMetadata> Inputs,
    IReadOnlyList<TensorMetadata> Outputs, IReadOnlyDictionary<string, string> Properties);
