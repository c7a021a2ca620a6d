using System.Buffers.Binary;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Inference;

namespace Vigil.Serving.Tests;

/// <summary>Requests as a client writes them from the protocol's text: JSON, the binary extension, protobuf.</summary>
public static class Requests
{
    public static JsonObject ImagesJson(IEnumerable<byte[]> images, JsonObject? parameters = null, JsonArray? outputs = null)
    {
        var list = images.ToList();
        var request = new JsonObject
        {
            ["id"] = "req-1",
            ["inputs"] = new JsonArray(new JsonObject
            {
                ["name"] = "image", ["datatype"] = "BYTES", ["shape"] = new JsonArray(list.Count),
                ["data"] = new JsonArray(list.Select(b => (JsonNode)JsonValue.Create(Convert.ToBase64String(b))!).ToArray()),
            }),
        };
        if (parameters is not null) request["parameters"] = parameters;
        if (outputs is not null) request["outputs"] = outputs;
        return request;
    }

    public static async Task<(HttpResponseMessage Response, JsonElement Body)> PostJsonAsync(HttpClient http, string path, JsonNode body, CancellationToken token = default)
    {
        var response = await http.PostAsync(path, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"), token);
        string text = await response.Content.ReadAsStringAsync(token);
        return (response, JsonDocument.Parse(text).RootElement.Clone());
    }

    public static async Task<(HttpResponseMessage Response, JsonElement Body)> GetAsync(HttpClient http, string path)
    {
        var response = await http.GetAsync(path);
        string text = await response.Content.ReadAsStringAsync();
        return (response, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>Triton's binary tensor extension: the JSON header, then each image length-prefixed.</summary>
    public static HttpContent BinaryImages(IReadOnlyList<byte[]> images)
    {
        byte[] raw = LengthPrefixed(images);
        var header = new JsonObject
        {
            ["inputs"] = new JsonArray(new JsonObject
            {
                ["name"] = "image", ["datatype"] = "BYTES", ["shape"] = new JsonArray(images.Count),
                ["parameters"] = new JsonObject { ["binary_data_size"] = raw.Length },
            }),
            ["parameters"] = new JsonObject { ["binary_data_output"] = true },
        };
        byte[] json = Encoding.UTF8.GetBytes(header.ToJsonString());
        var content = new ByteArrayContent([.. json, .. raw]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Headers.Add("Inference-Header-Content-Length", json.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return content;
    }

    public static ModelInferRequest GrpcImages(string model, IEnumerable<byte[]> images, bool raw)
    {
        var list = images.ToList();
        var input = new ModelInferRequest.Types.InferInputTensor { Name = "image", Datatype = "BYTES", Shape = { list.Count } };
        var request = new ModelInferRequest { ModelName = model, Id = "g-1" };
        if (raw)
        {
            request.RawInputContents.Add(ByteString.CopyFrom(LengthPrefixed(list)));
        }
        else
        {
            input.Contents = new InferTensorContents();
            input.Contents.BytesContents.AddRange(list.Select(ByteString.CopyFrom));
        }
        request.Inputs.Add(input);
        return request;
    }

    /// <summary>BYTES elements in raw form: each after its 4-byte little-endian length.</summary>
    public static byte[] LengthPrefixed(IEnumerable<byte[]> elements)
    {
        var raw = new MemoryStream();
        foreach (byte[] element in elements)
        {
            var length = new byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)element.Length);
            raw.Write(length);
            raw.Write(element);
        }
        return raw.ToArray();
    }

    /// <summary>The FP32 values of a raw output.</summary>
    public static float[] Floats(ReadOnlySpan<byte> raw)
    {
        var values = new float[raw.Length / 4];
        for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(raw[(i * 4)..]);
        return values;
    }

    /// <summary>The elements of a raw BYTES output.</summary>
    public static List<byte[]> Elements(ReadOnlySpan<byte> raw)
    {
        var elements = new List<byte[]>();
        int at = 0;
        while (at < raw.Length)
        {
            int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(raw[at..]);
            elements.Add(raw.Slice(at + 4, length).ToArray());
            at += 4 + length;
        }
        return elements;
    }
}
