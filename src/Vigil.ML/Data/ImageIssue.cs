namespace Vigil.ML.Data;

/// <summary>Something to tell the user about one image while building a cache.</summary>
/// <param name="Path">The image file (absolute).</param>
/// <param name="Message">What happened, in words.</param>
/// <param name="Skipped">True when the image was left out (unreadable); false for a note on an image that was used.</param>
public sealed record ImageIssue(string Path, string Message, bool Skipped);
