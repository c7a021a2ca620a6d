namespace Vigil.ML.Data;

/// <summary>How a <see cref="BatchLoader"/> orders an epoch.</summary>
public enum Sampling
{
    /// <summary>Every image once, in cache order (evaluation).</summary>
    Sequential,
    /// <summary>Every image once, in a seeded random order that changes each epoch.</summary>
    Shuffle,
    /// <summary>
    /// As many draws as images; each draw picks a class with equal probability, then the next image of that class from
    /// its own seeded shuffled list (reshuffled when used up). Unlabeled images form one more group.
    /// </summary>
    Balanced,
}
