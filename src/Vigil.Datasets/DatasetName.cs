namespace Vigil.Datasets;

/// <summary>Rules for dataset names: a plain folder name that is safe on every file system.</summary>
public static class DatasetName
{
    /// <summary>Longest accepted name.</summary>
    public const int MaxLength = 100;

    /// <summary>Checks a dataset name.</summary>
    /// <exception cref="DatasetInputException">Empty, too long, a path, hidden, or holding characters other than letters, digits, '.', '_', '-'.</exception>
    public static void Validate(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
            throw new DatasetInputException("no dataset name given; pass --name with a folder name, e.g. --name brain_mri.");
        if (name.IndexOfAny(['/', '\\']) >= 0)
            throw new DatasetInputException($"dataset name '{name}' contains a path separator; give a plain folder name such as brain_mri and choose the parent folder with --output.");
        if (name.StartsWith('.'))
            throw new DatasetInputException($"dataset name '{name}' starts with a dot (hidden names are reserved for unfinished datasets); remove the leading dot.");
        if (name.Length > MaxLength)
            throw new DatasetInputException($"dataset name '{name[..20]}…' is {name.Length} characters long; keep it under {MaxLength + 1}.");
        foreach (var c in name)
            if (!(char.IsLetterOrDigit(c) || c is '.' or '_' or '-'))
                throw new DatasetInputException($"dataset name '{name}' contains '{(char.IsControl(c) || c == ' ' ? $"U+{(int)c:X4}" : c.ToString())}', which is not allowed; use letters, digits, '.', '_' and '-' (e.g. brain_mri).");
    }
}
