using System.Text.Json;

namespace Vigil.Serving.Protocol;

/// <summary>
/// The REST form of inference requests and answers: the Open Inference Protocol's JSON, and Triton's binary tensor
/// extension (<c>Inference-Header-Content-Length</c>: the JSON header first, then each binary tensor in order). In JSON,
/// BYTES inputs (images) are base64 strings, and binary BYTES outputs (PNG error maps) too; class names are plain strings.
/// </summary>
public static class RestCodec
{
    /// <summary>The header that gives the JSON part's length when binary data follow it.</summary>
    public const string HeaderLength = "Inference-Header-Content-Length";

    /// <summary>Reads a request body; <paramref name="jsonLength"/> is the header's value when binary data follow.</summary>
    /// <exception cref="InferenceException">The body is not a valid request.</exception>
    public static InferRequest ReadRequest(ReadOnlyMemory<byte> body, long? jsonLength)
    {
        if (jsonLength is { } n && (n < 0 || n > body.Length))
            throw InferenceException.Invalid($"{HeaderLength} is {n} but the body holds {body.Length} bytes");
        ReadOnlyMemory<byte> json = jsonLength is { } length ? body[..(int)length] : body;
        ReadOnlyMemory<byte> binary = jsonLength is { } at ? body[(int)at..] : ReadOnlyMemory<byte>.Empty;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            throw InferenceException.Invalid($"the request is not valid JSON (line {(e.LineNumber ?? 0) + 1}, character {(e.BytePositionInLine ?? 0) + 1})"
                                             + (jsonLength is null ? $"; binary data need the {HeaderLength} header" : ""));
        }
        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw InferenceException.Invalid("the request must be a JSON object with \"inputs\"");
            if (!root.TryGetProperty("inputs", out JsonElement inputs) || inputs.ValueKind != JsonValueKind.Array)
                throw InferenceException.Invalid("the request needs \"inputs\", an array of tensors");
            var parameters = Parameters(root, "the request");
            int offset = 0;
            var tensors = new List<InputTensor>();
            foreach (JsonElement input in inputs.EnumerateArray()) tensors.Add(Input(input, binary, ref offset));
            if (offset != binary.Length) throw InferenceException.Invalid($"{binary.Length - offset} bytes of binary data follow the inputs' binary_data_size");
            List<RequestedOutput>? outputs = null;
            bool binaryOutputs = parameters.TryGetValue("binary_data_output", out object? all) && all is true;
            if (root.TryGetProperty("outputs", out JsonElement asked))
            {
                if (asked.ValueKind != JsonValueKind.Array) throw InferenceException.Invalid("\"outputs\" must be an array of {\"name\": ...}");
                outputs = [];
                foreach (JsonElement output in asked.EnumerateArray())
                {
                    string name = Text(output, "name", "an output");
                    var outputParameters = Parameters(output, $"output \"{name}\"");
                    bool binaryOutput = outputParameters.TryGetValue("binary_data", out object? b) ? b is true : binaryOutputs;
                    outputs.Add(new RequestedOutput(name, binaryOutput));
                }
            }
            return new InferRequest
            {
                Id = root.TryGetProperty("id", out JsonElement id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null,
                Parameters = parameters, Inputs = tensors, Outputs = outputs, BinaryOutputs = binaryOutputs,
            };
        }
    }

    /// <summary>Writes an answer: the body and, when outputs go as binary data, the JSON part's length.</summary>
    public static (byte[] Body, int? JsonLength) WriteResponse(InferResponse response)
    {
        var binaries = new List<byte[]>();
        var json = new MemoryStream();
        using (var writer = new Utf8JsonWriter(json, new JsonWriterOptions { Encoder = Core.Json.VigilJson.Options.Encoder }))
        {
            writer.WriteStartObject();
            writer.WriteString("model_name", response.ModelName);
            writer.WriteString("model_version", response.ModelVersion);
            if (response.Id is not null) writer.WriteString("id", response.Id);
            writer.WriteStartArray("outputs");
            foreach (OutputTensor output in response.Outputs)
            {
                writer.WriteStartObject();
                WriteTensorHeader(writer, output.Name, output.Datatype, output.Shape);
                if (output.Binary)
                {
                    byte[] raw = TensorBytes.Write(output);
                    binaries.Add(raw);
                    writer.WriteStartObject("parameters");
                    writer.WriteNumber("binary_data_size", raw.Length);
                    writer.WriteEndObject();
                }
                else
                {
                    writer.WriteStartArray("data");
                    if (output.Fp32 is { } floats) foreach (float f in floats) writer.WriteNumberValue(f);
                    else if (output.Bool is { } bools) foreach (bool b in bools) writer.WriteBooleanValue(b);
                    else foreach (byte[] element in output.Bytes ?? [])
                        if (output.Text) writer.WriteStringValue(System.Text.Encoding.UTF8.GetString(element));
                        else writer.WriteBase64StringValue(element);
                    writer.WriteEndArray();
                }
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        if (binaries.Count == 0) return (json.ToArray(), null);
        int jsonLength = (int)json.Length;
        foreach (byte[] raw in binaries) json.Write(raw);
        return (json.ToArray(), jsonLength);
    }

    private static InputTensor Input(JsonElement input, ReadOnlyMemory<byte> binary, ref int offset)
    {
        if (input.ValueKind != JsonValueKind.Object) throw InferenceException.Invalid("each input must be an object with \"name\", \"shape\", \"datatype\" and \"data\"");
        string name = Text(input, "name", "an input");
        string datatype = Text(input, "datatype", $"input \"{name}\"");
        if (!input.TryGetProperty("shape", out JsonElement shapeJson) || shapeJson.ValueKind != JsonValueKind.Array)
            throw InferenceException.Invalid($"input \"{name}\" needs \"shape\", an array of whole numbers");
        var shape = new List<long>();
        foreach (JsonElement d in shapeJson.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out long v) || v < 0) throw InferenceException.Invalid($"input \"{name}\": \"shape\" holds {d.GetRawText()}, not a whole number of 0 or more");
            shape.Add(v);
        }
        var parameters = Parameters(input, $"input \"{name}\"");
        if (parameters.TryGetValue("binary_data_size", out object? size))
        {
            if (size is not long n || n < 0 || n > binary.Length - offset)
                throw InferenceException.Invalid($"input \"{name}\": binary_data_size {size} does not fit the {binary.Length - offset} bytes of binary data left");
            var (bytes, uint8, fp32) = TensorBytes.Read(name, datatype, binary.Slice(offset, (int)n));
            offset += (int)n;
            return new InputTensor { Name = name, Datatype = datatype, Shape = shape, Parameters = parameters, Bytes = bytes, UInt8 = uint8, Fp32 = fp32 };
        }
        if (!input.TryGetProperty("data", out JsonElement data)) throw InferenceException.Invalid($"input \"{name}\" needs \"data\" (or binary data with binary_data_size)");
        var flat = new List<JsonElement>();
        Flatten(data, flat);
        return datatype switch
        {
            Datatypes.Bytes => new InputTensor
            {
                Name = name, Datatype = datatype, Shape = shape, Parameters = parameters,
                Bytes = flat.Select((e, i) => (ReadOnlyMemory<byte>)Base64(e, name, i)).ToList(),
            },
            Datatypes.UInt8 => new InputTensor
            {
                Name = name, Datatype = datatype, Shape = shape, Parameters = parameters,
                UInt8 = flat.Select((e, i) => e.ValueKind == JsonValueKind.Number && e.TryGetByte(out byte b) ? b
                    : throw InferenceException.Invalid($"input \"{name}\": element {i} is {e.GetRawText()}, not a UINT8 (0–255)")).ToArray(),
            },
            Datatypes.Fp32 => new InputTensor
            {
                Name = name, Datatype = datatype, Shape = shape, Parameters = parameters,
                Fp32 = flat.Select((e, i) => e.ValueKind == JsonValueKind.Number && e.TryGetDouble(out double d) ? (float)d
                    : throw InferenceException.Invalid($"input \"{name}\": element {i} is {e.GetRawText()}, not a number")).ToArray(),
            },
            _ => new InputTensor { Name = name, Datatype = datatype, Shape = shape, Parameters = parameters },
        };
    }

    private static byte[] Base64(JsonElement element, string name, int index)
    {
        if (element.ValueKind == JsonValueKind.String && element.TryGetBytesFromBase64(out byte[]? bytes)) return bytes;
        throw InferenceException.Invalid($"input \"{name}\": element {index} is not a base64 string; in JSON, images are base64 strings (or send them as binary data)");
    }

    private static void Flatten(JsonElement data, List<JsonElement> into)
    {
        if (data.ValueKind != JsonValueKind.Array)
        {
            into.Add(data);
            return;
        }
        foreach (JsonElement e in data.EnumerateArray()) Flatten(e, into);
    }

    private static string Text(JsonElement owner, string property, string what) =>
        owner.TryGetProperty(property, out JsonElement value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw InferenceException.Invalid($"{what} needs \"{property}\", a string");

    private static Dictionary<string, object> Parameters(JsonElement owner, string what)
    {
        var parameters = new Dictionary<string, object>(StringComparer.Ordinal);
        if (!owner.TryGetProperty("parameters", out JsonElement json) || json.ValueKind == JsonValueKind.Null) return parameters;
        if (json.ValueKind != JsonValueKind.Object) throw InferenceException.Invalid($"\"parameters\" of {what} must be an object");
        foreach (JsonProperty p in json.EnumerateObject())
            parameters[p.Name] = p.Value.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                JsonValueKind.String => p.Value.GetString()!,
                JsonValueKind.Number when p.Value.TryGetInt64(out long l) => l,
                JsonValueKind.Number => p.Value.GetDouble(),
                _ => throw InferenceException.Invalid($"parameter \"{p.Name}\" of {what} must be a string, number or boolean, not {p.Value.GetRawText()}"),
            };
        return parameters;
    }

    /// <summary>The JSON of model metadata (REST form).</summary>
    public static void WriteMetadata(Utf8JsonWriter writer, ModelMetadata metadata)
    {
        writer.WriteStartObject();
        writer.WriteString("name", metadata.Name);
        writer.WriteStartArray("versions");
        foreach (string v in metadata.Versions) writer.WriteStringValue(v);
        writer.WriteEndArray();
        writer.WriteString("platform", metadata.Platform);
        foreach ((string key, IReadOnlyList<TensorMetadata> tensors) in new[] { ("inputs", metadata.Inputs), ("outputs", metadata.Outputs) })
        {
            writer.WriteStartArray(key);
            foreach (TensorMetadata t in tensors)
            {
                writer.WriteStartObject();
                WriteTensorHeader(writer, t.Name, t.Datatype, t.Shape);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        writer.WriteStartObject("parameters");
        foreach ((string key, string value) in metadata.Properties) writer.WriteString(key, value);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    // A tensor's "name", "datatype" and "shape", as outputs and metadata both write them.
    private static void WriteTensorHeader(Utf8JsonWriter writer, string name, string datatype, IEnumerable<long> shape)
    {
        writer.WriteString("name", name);
        writer.WriteString("datatype", datatype);
        writer.WriteStartArray("shape");
        foreach (long d in shape) writer.WriteNumberValue(d);
        writer.WriteEndArray();
    }
}
