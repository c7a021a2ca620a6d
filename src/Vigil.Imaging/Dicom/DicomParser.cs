using System.IO.Compression;

namespace Vigil.Imaging.Dicom;

/// <summary>A parsed file: its meta group, its data set and the transfer syntax the data set was read with.</summary>
/// <param name="Meta">File meta information (group 0002); empty when the file has none.</param>
/// <param name="DataSet">The main data set's top-level elements.</param>
/// <param name="Syntax">The transfer syntax used.</param>
/// <param name="SyntaxGuessed">True when the file named no transfer syntax and it was guessed from the data.</param>
internal sealed record ParsedDicom(DicomDataSet Meta, DicomDataSet DataSet, TransferSyntax Syntax, bool SyntaxGuessed);

/// <summary>Parses a DICOM Part 10 file held in memory: preamble, meta group, (deflated) data set.</summary>
internal static class DicomParser
{
    /// <summary>Largest size a deflated data set may inflate to (guards against decompression bombs).</summary>
    public const long MaxInflatedBytes = 1L << 30;

    /// <exception cref="DicomException">The bytes are not a DICOM file or are malformed.</exception>
    public static ParsedDicom Parse(byte[] file)
    {
        int start = DicomSignature.DataStart(file);
        var meta = new DicomDataSet(file, bigEndian: false);
        int dataStart = DataSetReader.ReadMeta(file, start, meta);
        var uid = meta.GetString(DicomTag.TransferSyntaxUid);
        TransferSyntax syntax;
        bool guessed = uid is null;
        if (uid is not null) syntax = TransferSyntax.Lookup(uid);
        else
        {
            // No preamble and no meta group: accept only data that plainly starts with a group 0008 element.
            bool bare = start == 0 && meta.Count == 0;
            syntax = DicomSignature.GuessEncoding(file.AsSpan(dataStart), requireGroup8: bare)
                ?? throw new DicomException(bare
                    ? "not a DICOM file: no 'DICM' marker at byte 128 and the data does not start with a DICOM element of group 0002 or 0008"
                    : "no Transfer Syntax UID in the file meta group and the data set's encoding cannot be recognised");
        }
        byte[] buffer = file;
        if (syntax.Deflated)
        {
            buffer = Inflate(file.AsSpan(dataStart));
            dataStart = 0;
        }
        var dataSet = DataSetReader.ReadDataSet(buffer, dataStart, syntax);
        dataSet.Charset = DicomCharset.For(dataSet.GetString(DicomTag.SpecificCharacterSet));
        return new ParsedDicom(meta, dataSet, syntax, guessed);
    }

    // Deflated Explicit VR Little Endian is raw deflate (RFC 1951); some writers wrongly add a zlib header, so try that too.
    private static byte[] Inflate(ReadOnlySpan<byte> compressed)
    {
        var copy = compressed.ToArray();
        try { return InflateWith(copy, zlib: false); }
        catch (InvalidDataException) when (copy.Length > 2 && copy[0] == 0x78)
        {
            try { return InflateWith(copy, zlib: true); }
            catch (InvalidDataException e) { throw new DicomException("deflated data set is corrupt: " + e.Message); }
        }
        catch (InvalidDataException e) { throw new DicomException("deflated data set is corrupt: " + e.Message); }
    }

    private static byte[] InflateWith(byte[] compressed, bool zlib)
    {
        using var input = new MemoryStream(compressed, writable: false);
        using Stream inflater = zlib ? new ZLibStream(input, CompressionMode.Decompress) : new DeflateStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = inflater.Read(chunk)) > 0)
        {
            if (output.Length + read > MaxInflatedBytes)
                throw new DicomException($"deflated data set inflates to more than {MaxInflatedBytes >> 20} MiB; refusing to go on");
            output.Write(chunk, 0, read);
        }
        return output.ToArray();
    }
}
