namespace Vigil.Imaging.Numpy;

/// <summary>Numeric sample types that array containers (npy/npz, IDX, NIfTI) store.</summary>
internal enum ElementKind
{
    Bool, UInt8, Int8, UInt16, Int16, UInt32, Int32, UInt64, Int64, Float16, Float32, Float64,
}

/// <summary>A sample type plus its byte order in the file.</summary>
internal readonly record struct ElementType(ElementKind Kind, bool BigEndian = false)
{
    /// <summary>Bytes per sample.</summary>
    public int Size => Kind switch
    {
        ElementKind.Bool or ElementKind.UInt8 or ElementKind.Int8 => 1,
        ElementKind.UInt16 or ElementKind.Int16 or ElementKind.Float16 => 2,
        ElementKind.UInt32 or ElementKind.Int32 or ElementKind.Float32 => 4,
        _ => 8,
    };

    /// <summary>True for floating-point kinds.</summary>
    public bool IsFloat => Kind is ElementKind.Float16 or ElementKind.Float32 or ElementKind.Float64;

    /// <summary>True when the bytes must be reversed to be read on this (little-endian) host.</summary>
    public bool NeedsSwap => BigEndian && Size > 1;

    /// <summary>The same kind in host byte order.</summary>
    public ElementType Native => this with { BigEndian = false };

    /// <summary>Lower-case name for messages and metadata ("uint8", "float32").</summary>
    public string Name => Kind.ToString().ToLowerInvariant();
}
