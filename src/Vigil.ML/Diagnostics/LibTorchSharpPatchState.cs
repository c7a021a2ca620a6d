using System.Text.Json.Serialization;

namespace Vigil.ML.Diagnostics;

/// <summary>Whether the libLibTorchSharp.so in use carries the GLIBCXX fix (docs/torchsharp-on-debian.md).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<LibTorchSharpPatchState>))]
public enum LibTorchSharpPatchState
{
    /// <summary>The library could not be found or read.</summary>
    Unknown,
    /// <summary>The library never asked for GLIBCXX_3.4.32, so it was not patched.</summary>
    NotNeeded,
    /// <summary>The build patched it: its GLIBCXX_3.4.32 requirement now names GLIBCXX_3.4.30.</summary>
    Patched,
    /// <summary>It still asks for GLIBCXX_3.4.32 (fine where libstdc++ has that version, fatal where it does not).</summary>
    Unpatched,
}
