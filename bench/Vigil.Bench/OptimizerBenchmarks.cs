using System.Diagnostics;
using TorchSharp;
using TorchSharp.Modules;
using Vigil.ML.Native;
using static TorchSharp.torch;

namespace Vigil.Bench;

/// <summary>
/// <c>adamw-step [STEPS] [ROUNDS]</c>: the optimizer step of Vigil's <see cref="Vigil.ML.Native.AdamW"/> against TorchSharp's
/// AdamW on EfficientNet-B0's parameter count (about 4 M weights in 213 tensors), in turns in one process.
/// </summary>
public static class OptimizerBenchmarks
{
    public static void AdamWStep(int steps, int rounds)
    {
        Vigil.Core.Runtime.NativeHeap.Tune();
        torch.manual_seed(1);
        Parameter[] Weights() => Enumerable.Range(0, 213).Select(i => new Parameter(torch.randn(4_000_000 / 213))).ToArray();
        var theirs = Weights();
        var ours = Weights();
        foreach (var set in new[] { theirs, ours })
        {
            // One backward pass leaves a gradient on every weight; steps do not clear it.
            using var loss = set.Select(p => p.square().sum()).Aggregate((a, b) => a + b);
            loss.backward();
        }
        using var reference = torch.optim.AdamW(theirs, 1e-3, weight_decay: 1e-4);
        using var optimizer = new Vigil.ML.Native.AdamW(ours, 1e-3, weightDecay: 1e-4);
        var times = new Dictionary<string, List<double>> { ["TorchSharp AdamW"] = [], ["Vigil AdamW"] = [] };
        for (int round = 0; round < rounds; round++)
            foreach (var (name, step) in new (string, optim.Optimizer)[] { ("TorchSharp AdamW", reference), ("Vigil AdamW", optimizer) })
            {
                var watch = Stopwatch.StartNew();
                for (int i = 0; i < steps; i++) step.step();
                times[name].Add(watch.Elapsed.TotalMilliseconds / steps);
            }
        foreach (var (name, list) in times)
            Console.WriteLine($"adamw-step: {name,-16} median {list.Order().ElementAt(list.Count / 2):F2} ms per step over {rounds} rounds of {steps} (rounds: {string.Join(" ", list.Select(t => t.ToString("F2")))})");
        double ratio = times["Vigil AdamW"].Order().ElementAt(rounds / 2) / times["TorchSharp AdamW"].Order().ElementAt(rounds / 2);
        Console.WriteLine($"adamw-step: Vigil AdamW / TorchSharp AdamW = {ratio:F2}");
    }
}
