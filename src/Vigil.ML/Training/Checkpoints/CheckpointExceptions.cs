using Vigil.Core;

namespace Vigil.ML.Training.Checkpoints;

/// <summary>
/// A checkpoint cannot be used. The message names the file and says what to do; like every
/// <see cref="UserInputException"/>, the CLI prints it and exits with code 2.
/// </summary>
public class CheckpointException : UserInputException
{
    /// <summary>Creates the exception.</summary>
    public CheckpointException(string path, string message, Exception? inner = null) : base(message, inner) => Path = path;

    /// <summary>The checkpoint file.</summary>
    public string Path { get; }
}

/// <summary>The file is damaged, partly written or not a checkpoint at all.</summary>
public sealed class CheckpointCorruptException : CheckpointException
{
    /// <summary>Creates the exception; the message says what is wrong with <paramref name="path"/>.</summary>
    public CheckpointCorruptException(string path, string what, Exception? inner = null)
        : base(path, $"checkpoint {path} is unreadable ({what}); delete it to start over, or resume from the other checkpoint in its folder (best.ckpt / last.ckpt)", inner) { }
}

/// <summary>The checkpoint is intact but belongs to a different run set-up (classes, image size, model, optimizer…).</summary>
public sealed class CheckpointMismatchException : CheckpointException
{
    /// <summary>Creates the exception; <paramref name="what"/> lists the differences.</summary>
    public CheckpointMismatchException(string path, string what, Exception? inner = null)
        : base(path, $"checkpoint {path} does not fit this run ({what}); resume with the settings it was made with, or start a fresh run without --resume", inner) { }
}
