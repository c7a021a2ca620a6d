using Vigil.Core.Metrics;
using Vigil.ML.Data;
using Vigil.ML.Inference;
using Vigil.ML.Runs;
using Vigil.ML.Models.EfficientNet;
using TorchSharp;
using static TorchSharp.torch;

namespace Vigil.Bench;

/// <summary>
/// Scores that are not (yet) parts of the detector, measured on the few-label packages that <c>fmnist-few-labels</c>
/// left: distances of the classifier's pooled features to the features of the training normals (labeled, and the
/// unlabeled images the classifier calls normal), alone and summed with the packaged parts.
/// </summary>
public static class FewLabelsFeatureProbe
{
    /// <summary>Prints each candidate's test AUROC per anomaly class and on all test images.</summary>
    public static void Run(string work, double percent, string run)
    {
        string normal = FashionMnistBenchmarks.ClassOrder[0];
        string tag = $"few-{percent.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        var dataset = Path.Combine(work, "fmnist-dataset", "fashion-mnist");
        var loaded = DetectorLoader.Load(Path.Combine(work, "fmnist-runs", $"{tag}-{run}", "model.vigil"), CPU);
        var b0 = loaded.Parts.Classifier!;
        b0.eval();
        int size = loaded.Manifest.ImageSize;

        var trainSpec = DatasetSpec.FromCsvFiles(Path.Combine(dataset, $"bench-{tag}-train.csv"), null, null, normal);
        int normalIndex = trainSpec.Classes.ToList().IndexOf(normal);
        using var train = SplitCache.Load(trainSpec.Split("train"), new CacheOptions { ImageSize = size, Channels = 1, Folder = trainSpec.CacheFolder });
        var (trainFeat, trainP) = Features(b0, train, loaded.Parts.NormalIndex);
        var bankRows = Enumerable.Range(0, train.Count).Where(i => train.Labels[i] == normalIndex || (train.Labels[i] < 0 && trainP[i] >= 0.874)).ToArray();
        Console.WriteLine($"probe: {train.Count} train images, bank {bankRows.Length} (labeled normals {train.Labels.Count(l => l == normalIndex)})");
        using var bank = trainFeat.index_select(0, tensor(bankRows.Select(i => (long)i).ToArray()));

        var testSpec = DatasetSpec.FromCsvFiles(Path.Combine(dataset, "bench-known-unknown-test.csv"), null, null, normal);
        using var test = SplitCache.Load(testSpec.Split("train"), new CacheOptions { ImageSize = size, Channels = 1, Folder = testSpec.CacheFolder });
        var (_, scores, _) = Evaluator.Evaluate(loaded.Parts, test, testSpec.Classes, "test", 128, CPU);
        var names = scores.Positions.Select(p => testSpec.Classes[(int)test.Labels[p]]).ToArray();
        var (testFeat, _) = Features(b0, test, -1);
        using var ordered = testFeat.index_select(0, tensor(scores.Positions.Select(p => (long)p).ToArray()));

        var rows = new Dictionary<string, double[]>
        {
            ["classifier"] = scores.Supervised!,
            ["VAE"] = scores.Errors!.Select(e => loaded.Parts.Scorer.ReconstructionScore(e)).ToArray(),
            ["hybrid"] = scores.Combined,
        };
        using var nb = nn.functional.normalize(bank, dim: 1);
        using var nt = nn.functional.normalize(ordered, dim: 1);
        foreach (int k in new[] { 1, 5, 20 })
        {
            rows[$"cos-knn{k}"] = OneClassScoreProbe.Knn(nb, nt, k);
            rows[$"l2-knn{k}"] = OneClassScoreProbe.Knn(bank, ordered, k);
        }
        using (var maha = OneClassScoreProbe.Mahalanobis(bank)) rows["maha"] = maha.Invoke(ordered);
        // Combinations: ranks among the test images averaged, so no calibration decides the result.
        double[] Rank(double[] s)
        {
            var order = Enumerable.Range(0, s.Length).OrderBy(i => s[i]).ToArray();
            var r = new double[s.Length];
            for (int i = 0; i < order.Length; i++) r[order[i]] = i / (double)s.Length;
            return r;
        }
        var ranks = rows.ToDictionary(r => r.Key, r => Rank(r.Value));
        double[] MixR(params (double W, string Name)[] parts) =>
            Enumerable.Range(0, names.Length).Select(i => parts.Sum(p => p.W * ranks[p.Name][i])).ToArray();
        var combos = new Dictionary<string, double[]>
        {
            ["r(cls)+r(cos5)"] = MixR((1, "classifier"), (1, "cos-knn5")),
            ["r(cls)+r(cos5)+r(vae)"] = MixR((1, "classifier"), (1, "cos-knn5"), (1, "VAE")),
            ["r(hyb)+r(cos5)"] = MixR((1, "hybrid"), (1, "cos-knn5")),
            ["r(cos5)+r(vae)"] = MixR((1, "cos-knn5"), (1, "VAE")),
            ["r(maha)+r(vae)"] = MixR((1, "maha"), (1, "VAE")),
            ["r(cls)+r(maha)+r(vae)"] = MixR((1, "classifier"), (1, "maha"), (1, "VAE")),
        };
        foreach (var c in combos) rows[c.Key] = c.Value;

        // Each score standardised on the validation normals (labeled, and the unlabeled ones the classifier calls
        // normal), after a log or logit, then fused by max, sum and log-sum-exp.
        var valSpec = DatasetSpec.FromCsvFiles(Path.Combine(dataset, $"bench-{tag}-val.csv"), null, null, normal);
        using var val = SplitCache.Load(valSpec.Split("train"), new CacheOptions { ImageSize = size, Channels = 1, Folder = valSpec.CacheFolder });
        var (_, vScores, _) = Evaluator.Evaluate(loaded.Parts, val, valSpec.Classes, "val", 128, CPU);
        int valNormal = valSpec.Classes.ToList().IndexOf(normal);
        var (valFeat, valP) = Features(b0, val, loaded.Parts.NormalIndex);
        using var vOrdered = valFeat.index_select(0, tensor(vScores.Positions.Select(p => (long)p).ToArray()));
        using var nv = nn.functional.normalize(vOrdered, dim: 1);
        var vNormals = Enumerable.Range(0, vScores.Positions.Length).Where(i => val.Labels[vScores.Positions[i]] == valNormal ||
            (val.Labels[vScores.Positions[i]] < 0 && valP[vScores.Positions[i]] >= 0.874)).ToArray();
        Console.WriteLine($"probe: {vNormals.Length} validation normals for the z-scores");
        double Logit(double p) { p = Math.Clamp(p, 1e-6, 1 - 1e-6); return Math.Log(p / (1 - p)); }
        double[] ZOn(double[] testS, double[] valS, Func<double, double> f)
        {
            var r = vNormals.Select(i => f(valS[i])).ToArray();
            double m = r.Average(), sd = Math.Sqrt(r.Select(v => (v - m) * (v - m)).Average()) + 1e-9;
            return testS.Select(v => (f(v) - m) / sd).ToArray();
        }
        var zc = ZOn(rows["classifier"], vScores.Supervised!, Logit);
        var zv = ZOn(rows["VAE"], vScores.Errors!.Select(e => loaded.Parts.Scorer.ReconstructionScore(e)).ToArray(), v => Math.Log(Math.Max(v, 1e-9)));
        var zk = ZOn(rows["cos-knn20"], OneClassScoreProbe.Knn(nb, nv, 20), v => Math.Log(Math.Max(v, 1e-9)));
        double[] Fuse(Func<double[], double> f, params double[][] zs) => Enumerable.Range(0, names.Length).Select(i => f(zs.Select(z => z[i]).ToArray())).ToArray();
        rows["z max(c,v)"] = Fuse(a => a.Max(), zc, zv);
        rows["z sum(c,v)"] = Fuse(a => a.Sum(), zc, zv);
        rows["z lse(c,v)"] = Fuse(a => Math.Log(a.Sum(Math.Exp)), zc, zv);
        rows["z max(c,v,k)"] = Fuse(a => a.Max(), zc, zv, zk);
        rows["z sum(c,v,k)"] = Fuse(a => a.Sum(), zc, zv, zk);
        rows["z lse(c,v,k)"] = Fuse(a => Math.Log(a.Sum(Math.Exp)), zc, zv, zk);
        rows["z max(c,k)"] = Fuse(a => a.Max(), zc, zk);
        rows["z lse(c,k)"] = Fuse(a => Math.Log(a.Sum(Math.Exp)), zc, zk);
        valFeat.Dispose();

        var anomalyClasses = FashionMnistBenchmarks.ClassOrder.Where(c => c != normal).ToArray();
        double Auroc(double[] s, Func<string, bool> kind)
        {
            var keep = Enumerable.Range(0, names.Length).Where(i => names[i] == normal || kind(names[i])).ToArray();
            return BinaryMetrics.Auroc(keep.Select(i => s[i]).ToArray(), keep.Select(i => names[i] == normal ? 0 : 1).ToArray());
        }
        foreach (var (name, s) in rows)
            Console.WriteLine($"probe {tag}-{run} {name,-24} all {Auroc(s, _ => true):F4} | " +
                              string.Join(" ", anomalyClasses.Select(c => $"{c[..Math.Min(5, c.Length)]} {Auroc(s, l => l == c):F3}")));
        trainFeat.Dispose(); testFeat.Dispose();
    }

    private static (Tensor Features, double[] PNormal) Features(EfficientNetModel b0, CachedSplit data, int normalIndex)
    {
        var feats = new List<Tensor>();
        var p = new List<double>();
        CachedBatches.ForEach(data, 256, x =>
        {
            Tensor f = b0.ForwardFeatures(x);
            Tensor f2 = b0.ForwardFeatures(x.flip(3));
            Tensor logits = (b0.Classifier.forward(f) + b0.Classifier.forward(f2)) / 2;
            if (normalIndex >= 0) p.AddRange(nn.functional.softmax(logits, 1).select(1, normalIndex).data<float>().ToArray().Select(v => (double)v));
            feats.Add(((f + f2) / 2).to(ScalarType.Float64).MoveToOuterDisposeScope());
        });
        var all = cat(feats, 0);
        foreach (var t in feats) t.Dispose();
        return (all, p.ToArray());
    }
}
