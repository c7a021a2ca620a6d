using System.Reflection;
using System.Text.RegularExpressions;
using Vigil.ML.Inference;

namespace Vigil.ML.Tests.Inference;

/// <summary>
/// Inference sits below training: the detector a service loads must not drag in the trainer, and a change to training
/// must not be able to change what a deployed model computes. So nothing in Vigil.ML.Inference names Vigil.ML.Runs or
/// Vigil.ML.Training, in its source or in its compiled signatures.
/// </summary>
public sealed partial class InferenceDependencyTests
{
    private static readonly string[] Forbidden = ["Vigil.ML.Runs", "Vigil.ML.Training"];

    [Fact]
    public void No_inference_source_file_names_training_or_runs()
    {
        string folder = Path.Combine(TestPaths.RepoRoot, "src", "Vigil.ML", "Inference");
        string[] files = Directory.GetFiles(folder, "*.cs", SearchOption.AllDirectories);
        Assert.NotEmpty(files);
        var offending = new List<string>();
        foreach (string file in files)
        {
            string[] lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
            {
                string code = lines[i].TrimStart();
                if (code.StartsWith("//", StringComparison.Ordinal) && !code.Contains("cref=", StringComparison.Ordinal)) continue;
                if (TrainingOrRuns().IsMatch(lines[i])) offending.Add($"{Path.GetFileName(file)}:{i + 1}: {code}");
            }
        }
        Assert.True(offending.Count == 0, "Inference names training code:\n" + string.Join('\n', offending));
    }

    [Fact]
    public void No_inference_type_has_a_training_or_runs_type_in_its_signatures()
    {
        var types = typeof(ModelPackage).Assembly.GetTypes().Where(t => t.Namespace == typeof(ModelPackage).Namespace).ToList();
        Assert.NotEmpty(types);
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var offending = new List<string>();
        foreach (Type type in types)
        {
            IEnumerable<Type> used = new[] { type.BaseType }.OfType<Type>().Concat(type.GetInterfaces())
                .Concat(type.GetFields(all).Select(f => f.FieldType))
                .Concat(type.GetProperties(all).Select(p => p.PropertyType))
                .Concat(type.GetMethods(all).SelectMany(m => m.GetParameters().Select(p => p.ParameterType).Append(m.ReturnType)))
                .Concat(type.GetConstructors(all).SelectMany(c => c.GetParameters().Select(p => p.ParameterType)));
            foreach (Type t in used.SelectMany(Flatten))
                if (Forbidden.Any(n => t.Namespace is { } ns && (ns == n || ns.StartsWith(n + ".", StringComparison.Ordinal))))
                    offending.Add($"{type.FullName} uses {t.FullName}");
        }
        Assert.True(offending.Count == 0, string.Join('\n', offending.Distinct()));
    }

    // A generic argument or an element type counts as much as the type itself (List<DetectorParts>, DetectorParts[]).
    private static IEnumerable<Type> Flatten(Type type)
    {
        yield return type;
        if (type.HasElementType)
            foreach (Type inner in Flatten(type.GetElementType()!)) yield return inner;
        if (type.IsGenericType)
            foreach (Type argument in type.GetGenericArguments().SelectMany(Flatten)) yield return argument;
    }

    // "using Vigil.ML.Training…", "Vigil.ML.Runs.X", and the short forms the enclosing namespace allows ("Runs.X",
    // "Training.Checkpoints.X"); Vigil.Core.Runs (run events) is another namespace and stays allowed.
    [GeneratedRegex(@"(?<![\w.])(?:global::)?(?:Vigil\.ML\.)?(?:Runs|Training)(?=\s*[.;])")]
    private static partial Regex TrainingOrRuns();
}
