namespace Vigil.Core.Metrics;

/// <summary>Validation of multi-class label vectors (class indices 0 … classCount − 1).</summary>
internal static class ClassLabels
{
    /// <summary>Throws unless every label is a class index below <paramref name="classCount"/>.</summary>
    public static void Validate(ReadOnlySpan<int> labels, int classCount, string paramName)
    {
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classCount)
            {
                throw new ArgumentException(
                    $"label {i} is {labels[i]}; class indices must be within [0, {classCount}).", paramName);
            }
        }
    }
}
