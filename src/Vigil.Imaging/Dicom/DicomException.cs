namespace Vigil.Imaging.Dicom;

/// <summary>
/// Bad content found deep inside the parser, where the file path is not known.
/// <see cref="DicomFile"/> turns it into an <see cref="ImageFormatException"/> carrying the path.
/// </summary>
internal sealed class DicomException(string message) : Exception(message);
