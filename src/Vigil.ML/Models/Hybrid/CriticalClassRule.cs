using System.Globalization;

namespace Vigil.ML.Models.Hybrid;

/// <summary>
/// A required sensitivity for one critical class (e.g. retinal artery occlusion ≥ 0.99) and the classifier
/// probability threshold that meets it on validation. An image is flagged as an anomaly when the combined score
/// reaches the global threshold <b>or</b> the classifier's probability of a critical class reaches that class's
/// threshold. The OR rule raises sensitivity for the classes that must not be missed without lowering the global
/// threshold, which would add false alarms on every other class.
/// </summary>
/// <param name="ClassName">The critical class.</param>
/// <param name="RequiredSensitivity">The share of its images that must be flagged, in (0, 1].</param>
/// <param name="ProbabilityThreshold">Flag when P(class) ≥ this (chosen on validation).</param>
public sealed record CriticalClassRule(string ClassName, double RequiredSensitivity, double ProbabilityThreshold)
{
    /// <summary>
    /// Parses <c>CLASS=S[,CLASS=S…]</c> (e.g. <c>Tumor=0.99,Hemorrhage=0.97</c>) into required sensitivities.
    /// Class names may contain spaces; the last '=' of each item separates the sensitivity.
    /// </summary>
    /// <exception cref="FormatException">An item is not CLASS=S with S in (0, 1], or a class repeats; the message says which.</exception>
    public static IReadOnlyDictionary<string, double> ParseRequirements(string text)
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var raw in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int eq = raw.LastIndexOf('=');
            var name = eq > 0 ? raw[..eq].Trim() : "";
            if (name.Length == 0 || !double.TryParse(raw[(eq + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var s))
                throw new FormatException($"'{raw}' is not CLASS=SENSITIVITY (e.g. Tumor=0.99)");
            if (!(s > 0 && s <= 1)) throw new FormatException($"'{raw}': the sensitivity must be in (0, 1], e.g. 0.99");
            if (!result.TryAdd(name, s)) throw new FormatException($"class '{name}' is given twice");
        }
        if (result.Count == 0) throw new FormatException("no CLASS=SENSITIVITY item was given");
        return result;
    }

    /// <summary>The first critical rule that flags an image, or null.</summary>
    /// <param name="rules">Rules with their class indices in the classifier's output.</param>
    /// <param name="probabilityOf">The classifier's probability of a class index, for the image.</param>
    public static CriticalClassRule? Flagging(IReadOnlyList<(int Index, CriticalClassRule Rule)> rules, Func<int, double> probabilityOf)
    {
        foreach (var (index, rule) in rules)
            if (probabilityOf(index) >= rule.ProbabilityThreshold) return rule;
        return null;
    }

    /// <summary>Pairs each rule with its class's index in <paramref name="classes"/>.</summary>
    /// <exception cref="ArgumentException">A rule names a class that is not in the list.</exception>
    public static IReadOnlyList<(int Index, CriticalClassRule Rule)> Indexed(IReadOnlyList<CriticalClassRule> rules, IReadOnlyList<string> classes) =>
        rules.Select(r =>
        {
            int i = classes.ToList().IndexOf(r.ClassName);
            return i >= 0 ? (i, r) : throw new ArgumentException($"critical class '{r.ClassName}' is not one of the classes ({string.Join(", ", classes)})");
        }).ToList();
}
