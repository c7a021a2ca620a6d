using System.Globalization;

namespace Vigil.Datasets;

/// <summary>Train/validation/test proportions in whole percent, summing to 100.</summary>
/// <param name="Train">Percent of each class that goes to training (at least 1).</param>
/// <param name="Val">Percent for validation (may be 0).</param>
/// <param name="Test">Percent for the test split (may be 0).</param>
public sealed record SplitRatios(int Train, int Val, int Test)
{
    /// <summary>70/15/15, the default.</summary>
    public static SplitRatios Default { get; } = new(70, 15, 15);

    /// <summary>The proportions as fractions of 1, in split order train, val, test.</summary>
    public double[] Fractions() => [Train / 100.0, Val / 100.0, Test / 100.0];

    /// <inheritdoc />
    public override string ToString() => $"{Train}/{Val}/{Test}";

    /// <summary>Parses "70/15/15" (also "80,10,10" or "80:10:10").</summary>
    /// <exception cref="DatasetInputException">Not three whole percentages summing to 100, or no training share.</exception>
    public static SplitRatios Parse(string text)
    {
        var parts = (text ?? "").Split(['/', ',', ':'], StringSplitOptions.TrimEntries);
        var values = new int[parts.Length];
        bool ok = parts.Length == 3;
        for (int i = 0; ok && i < parts.Length; i++)
            ok = int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out values[i]) && values[i] <= 100;
        if (!ok)
            throw new DatasetInputException($"--split '{text}' is not three whole percentages train/val/test; write it like 70/15/15.");
        int sum = values[0] + values[1] + values[2];
        if (sum != 100)
            throw new DatasetInputException($"--split '{text}' sums to {sum}, not 100; adjust the three parts (for example 70/15/15 or 80/10/10).");
        if (values[0] == 0)
            throw new DatasetInputException($"--split '{text}' leaves nothing for training; give the first part at least 1 (for example 70/15/15).");
        return new SplitRatios(values[0], values[1], values[2]);
    }
}
