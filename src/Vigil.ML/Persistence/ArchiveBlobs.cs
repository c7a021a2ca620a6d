using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using TorchSharp;
using TorchSharp.Modules;

namespace Vigil.ML.Persistence;

/// <summary>
/// The zip plumbing that checkpoints and model packages share: tensors serialised with TorchSharp's own format into
/// named entries, each with a SHA-256 recorded in the archive's JSON header so a damaged entry is caught before any
/// of it reaches a model.
/// </summary>
internal static class ArchiveBlobs
{
    /// <summary>A module's parameters and buffers (BatchNorm running statistics included), in TorchSharp's <c>Module.save</c> format.</summary>
    public static byte[] FromModule(torch.nn.Module module) => Capture(writer => module.save(writer));

    /// <summary>An optimizer's per-group options and per-parameter state, in TorchSharp's <c>save_state_dict</c> format.</summary>
    public static byte[] FromOptimizer(OptimizerHelper optimizer) => Capture(optimizer.save_state_dict);

    /// <summary>Loads <paramref name="data"/> into <paramref name="module"/>'s own tensors; every name, shape and type must match.</summary>
    public static void IntoModule(byte[] data, torch.nn.Module module) =>
        Replay(data, reader => ModuleStateLoader.LoadInPlace(reader, module));

    /// <summary>Loads <paramref name="data"/> into <paramref name="optimizer"/>, which must cover the same parameters in the same order.</summary>
    public static void IntoOptimizer(byte[] data, OptimizerHelper optimizer) => Replay(data, optimizer.load_state_dict);

    /// <summary>Lower-case hex SHA-256.</summary>
    public static string Sha256(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary>Adds an entry; tensors barely compress, so they are stored, JSON is deflated.</summary>
    public static void Write(ZipArchive archive, string name, byte[] data, CompressionLevel level = CompressionLevel.NoCompression)
    {
        ZipArchiveEntry entry = archive.CreateEntry(name, level);
        using Stream stream = entry.Open();
        stream.Write(data);
    }

    /// <summary>Adds a JSON entry.</summary>
    public static void WriteJson<T>(ZipArchive archive, string name, T value, JsonSerializerOptions options) =>
        Write(archive, name, JsonSerializer.SerializeToUtf8Bytes(value, options), CompressionLevel.Optimal);

    /// <summary>An entry's bytes, or null when the archive has no such entry.</summary>
    /// <exception cref="InvalidDataException">The entry cannot be read (damaged data).</exception>
    public static byte[]? Read(ZipArchive archive, string name)
    {
        ZipArchiveEntry? entry = archive.GetEntry(name);
        if (entry is null) return null;
        using Stream stream = entry.Open();
        using var copy = new MemoryStream(entry.Length is > 0 and < int.MaxValue ? (int)entry.Length : 0);
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>The <c>format_version</c> of a JSON header, read alone (a newer header may not parse as this version's record).</summary>
    /// <returns>The version, or null when the object has none.</returns>
    /// <exception cref="JsonException">The bytes are not a JSON document.</exception>
    public static int? PeekFormatVersion(byte[] json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        return document.RootElement.ValueKind == JsonValueKind.Object
            && document.RootElement.TryGetProperty("format_version", out JsonElement v)
            && v.TryGetInt32(out int n)
            ? n
            : null;
    }

    private static byte[] Capture(Action<BinaryWriter> save)
    {
        using var memory = new MemoryStream();
        // leaveOpen: TorchSharp's writers may dispose what they are given; the memory is read afterwards.
        using (var writer = new BinaryWriter(memory, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            save(writer);
        }
        return memory.ToArray();
    }

    private static void Replay(byte[] data, Action<BinaryReader> load)
    {
        using var memory = new MemoryStream(data, writable: false);
        using var reader = new BinaryReader(memory, System.Text.Encoding.UTF8, leaveOpen: true);
        load(reader);
        // Bytes left over mean the entry holds more than the target has room for: not the same model.
        if (memory.Position != memory.Length)
            throw new InvalidDataException($"{memory.Length - memory.Position} bytes were left unread: the saved state holds more than the target");
    }
}
