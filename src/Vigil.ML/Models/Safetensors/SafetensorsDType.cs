namespace Vigil.ML.Models.Safetensors;

/// <summary>Element types a safetensors header may name (the format's <c>dtype</c> strings).</summary>
public enum SafetensorsDType
{
    /// <summary><c>BOOL</c>, 1 byte.</summary>
    Bool,
    /// <summary><c>U8</c>.</summary>
    U8,
    /// <summary><c>I8</c>.</summary>
    I8,
    /// <summary><c>F8_E4M3</c>, 1 byte.</summary>
    F8E4M3,
    /// <summary><c>F8_E5M2</c>, 1 byte.</summary>
    F8E5M2,
    /// <summary><c>I16</c>.</summary>
    I16,
    /// <summary><c>U16</c>.</summary>
    U16,
    /// <summary><c>F16</c>: IEEE half precision.</summary>
    F16,
    /// <summary><c>BF16</c>: bfloat16, the top half of a float32.</summary>
    BF16,
    /// <summary><c>I32</c>.</summary>
    I32,
    /// <summary><c>U32</c>.</summary>
    U32,
    /// <summary><c>F32</c>.</summary>
    F32,
    /// <summary><c>F64</c>.</summary>
    F64,
    /// <summary><c>I64</c> (e.g. BatchNorm's <c>num_batches_tracked</c>).</summary>
    I64,
    /// <summary><c>U64</c>.</summary>
    U64,
}

/// <summary>Names and sizes of <see cref="SafetensorsDType"/> values.</summary>
public static class SafetensorsDTypes
{
    private static readonly Dictionary<string, SafetensorsDType> ByName = new(StringComparer.Ordinal)
    {
        ["BOOL"] = SafetensorsDType.Bool, ["U8"] = SafetensorsDType.U8, ["I8"] = SafetensorsDType.I8,
        ["F8_E4M3"] = SafetensorsDType.F8E4M3, ["F8_E5M2"] = SafetensorsDType.F8E5M2,
        ["I16"] = SafetensorsDType.I16, ["U16"] = SafetensorsDType.U16, ["F16"] = SafetensorsDType.F16, ["BF16"] = SafetensorsDType.BF16,
        ["I32"] = SafetensorsDType.I32, ["U32"] = SafetensorsDType.U32, ["F32"] = SafetensorsDType.F32,
        ["F64"] = SafetensorsDType.F64, ["I64"] = SafetensorsDType.I64, ["U64"] = SafetensorsDType.U64,
    };

    /// <summary>Parses a header's dtype string (exact, upper case as the format writes it); false when unknown.</summary>
    public static bool TryParse(string name, out SafetensorsDType dtype) => ByName.TryGetValue(name, out dtype);

    /// <summary>The header spelling of <paramref name="dtype"/>.</summary>
    public static string Name(SafetensorsDType dtype) => ByName.First(p => p.Value == dtype).Key;

    /// <summary>Bytes per element.</summary>
    public static int Size(SafetensorsDType dtype) => dtype switch
    {
        SafetensorsDType.Bool or SafetensorsDType.U8 or SafetensorsDType.I8 or SafetensorsDType.F8E4M3 or SafetensorsDType.F8E5M2 => 1,
        SafetensorsDType.I16 or SafetensorsDType.U16 or SafetensorsDType.F16 or SafetensorsDType.BF16 => 2,
        SafetensorsDType.I32 or SafetensorsDType.U32 or SafetensorsDType.F32 => 4,
        SafetensorsDType.F64 or SafetensorsDType.I64 or SafetensorsDType.U64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null),
    };

    /// <summary>Whether <see cref="SafetensorsFile.ReadFloat32"/> can convert this type.</summary>
    public static bool IsConvertibleToFloat32(SafetensorsDType dtype) =>
        dtype is SafetensorsDType.F32 or SafetensorsDType.F16 or SafetensorsDType.BF16 or SafetensorsDType.F64;
}
