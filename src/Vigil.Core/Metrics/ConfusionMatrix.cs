using System.Text.Json.Serialization;

namespace Vigil.Core.Metrics;

/// <summary>
/// Counts of (true class, predicted class) pairs: rows = true class, columns = predicted class, as scikit-learn's
/// <c>confusion_matrix(y_true, y_pred, labels=range(n))</c>. Immutable. Serializes as a JSON array of rows
/// (<c>[[50, 2], [3, 45]]</c>).
/// </summary>
[JsonConverter(typeof(ConfusionMatrixJsonConverter))]
public sealed class ConfusionMatrix
{
    private readonly int[] _counts; // row-major, ClassCount × ClassCount

    private ConfusionMatrix(int classCount, int[] counts)
    {
        ClassCount = classCount;
        _counts = counts;
    }

    /// <summary>Creates a matrix from its rows (row i = samples of true class i).</summary>
    /// <exception cref="ArgumentException">Not square, empty, or a negative count.</exception>
    public ConfusionMatrix(IReadOnlyList<IReadOnlyList<int>> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        int n = rows.Count;
        if (n == 0) throw new ArgumentException("a confusion matrix needs at least one class.", nameof(rows));
        _counts = new int[n * n];
        for (int i = 0; i < n; i++)
        {
            if (rows[i] is not { } row || row.Count != n)
            {
                throw new ArgumentException($"row {i} has {rows[i]?.Count ?? 0} entries; the matrix must be {n}×{n}.", nameof(rows));
            }
            for (int j = 0; j < n; j++)
            {
                if (row[j] < 0) throw new ArgumentException($"entry [{i}, {j}] is negative.", nameof(rows));
                _counts[i * n + j] = row[j];
            }
        }
        ClassCount = n;
    }

    /// <summary>Number of classes (rows = columns).</summary>
    public int ClassCount { get; }

    /// <summary>Samples of true class <paramref name="trueClass"/> predicted as <paramref name="predictedClass"/>.</summary>
    public int this[int trueClass, int predictedClass]
    {
        get
        {
            if ((uint)trueClass >= (uint)ClassCount) throw new ArgumentOutOfRangeException(nameof(trueClass));
            if ((uint)predictedClass >= (uint)ClassCount) throw new ArgumentOutOfRangeException(nameof(predictedClass));
            return _counts[trueClass * ClassCount + predictedClass];
        }
    }

    /// <summary>All samples counted.</summary>
    public int Total
    {
        get
        {
            int total = 0;
            foreach (int c in _counts) total += c;
            return total;
        }
    }

    /// <summary>Samples whose true class is <paramref name="trueClass"/> (its support).</summary>
    public int RowTotal(int trueClass)
    {
        int total = 0;
        for (int j = 0; j < ClassCount; j++) total += this[trueClass, j];
        return total;
    }

    /// <summary>Samples predicted as <paramref name="predictedClass"/>.</summary>
    public int ColumnTotal(int predictedClass)
    {
        int total = 0;
        for (int i = 0; i < ClassCount; i++) total += this[i, predictedClass];
        return total;
    }

    /// <summary>Correct predictions (the diagonal).</summary>
    public int Correct
    {
        get
        {
            int total = 0;
            for (int k = 0; k < ClassCount; k++) total += _counts[k * ClassCount + k];
            return total;
        }
    }

    /// <summary>A copy of the rows.</summary>
    public int[][] ToRows()
    {
        var rows = new int[ClassCount][];
        for (int i = 0; i < ClassCount; i++)
        {
            rows[i] = _counts.AsSpan(i * ClassCount, ClassCount).ToArray();
        }
        return rows;
    }

    /// <summary>Counts true/predicted pairs. O(n).</summary>
    /// <param name="trueClasses">True class index per sample.</param>
    /// <param name="predictedClasses">Predicted class index per sample.</param>
    /// <param name="classCount">Number of classes; every index must be below it (absent classes get zero rows/columns).</param>
    /// <exception cref="ArgumentException">Mismatched lengths, no sample, or an index out of range.</exception>
    public static ConfusionMatrix From(ReadOnlySpan<int> trueClasses, ReadOnlySpan<int> predictedClasses, int classCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        if (trueClasses.Length != predictedClasses.Length)
        {
            throw new ArgumentException(
                $"true and predicted classes differ in length ({trueClasses.Length} vs {predictedClasses.Length}).",
                nameof(predictedClasses));
        }
        if (trueClasses.IsEmpty) throw new ArgumentException("no samples: need at least one prediction.", nameof(trueClasses));
        ClassLabels.Validate(trueClasses, classCount, nameof(trueClasses));
        ClassLabels.Validate(predictedClasses, classCount, nameof(predictedClasses));

        var counts = new int[classCount * classCount];
        for (int i = 0; i < trueClasses.Length; i++)
        {
            counts[trueClasses[i] * classCount + predictedClasses[i]]++;
        }
        return new ConfusionMatrix(classCount, counts);
    }
}
