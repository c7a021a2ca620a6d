using Vigil.Core.Metrics;
using Vigil.ML.Data;
using Vigil.ML.Inference;
using Vigil.ML.Models.Vae;
using TorchSharp;
using static TorchSharp.torch;

namespace Vigil.Bench;

/// <summary>
/// Scores that are not (yet) score kinds, measured on the one-class Fashion-MNIST packages that
/// <c>fmnist-oneclass</c> left: nearest-neighbour distances between posterior means, test-time mirroring, and their
/// sums with the packaged terms. Tells which candidate is worth building into the VAE.
/// </summary>
public static class OneClassScoreProbe
{
    /// <summary>Prints each candidate's test AUROC per class and its mean over the given classes.</summary>
    public static void Run(string work, IReadOnlyList<int> classes)
    {
        var dataset = Path.Combine(work, "fmnist-dataset", "fashion-mnist");
        var sums = new Dictionary<string, List<double>>();
        foreach (int k in classes)
        {
            var model = Path.Combine(work, "fmnist-runs", $"oneclass-{k}", "model.vigil");
            if (!File.Exists(model)) { Console.WriteLine($"probe: class {k}: no {model}"); continue; }
            var vae = DetectorLoader.Load(model, CPU).Parts.Vae!;
            vae.eval();
            var (trainCodes, trainErr) = Codes(vae, Path.Combine(dataset, $"bench-oneclass-{k}-train.csv"), out _, out _);
            var (valCodes, valErr) = Codes(vae, Path.Combine(dataset, $"bench-oneclass-{k}-val.csv"), out _, out _);
            var (testCodes, testErr) = Codes(vae, Path.Combine(dataset, $"bench-oneclass-{k}-test.csv"), out var labels, out var classNames, flipToo: true);
            var (testCodesF, testErrF) = Codes(vae, Path.Combine(dataset, $"bench-oneclass-{k}-test.csv"), out _, out _, flip: true);
            int normal = Array.IndexOf(classNames, FashionMnistBenchmarks.ClassOrder[k]);
            int[] y = labels.Select(l => l == normal ? 0 : 1).ToArray();

            var rows = new Dictionary<string, double[]>();
            double[] Z(double[] test, double[] reference) // z of log, on the given normals
            {
                var lr = reference.Select(v => Math.Log(Math.Max(v, 1e-12))).ToArray();
                double m = lr.Average(), s = Math.Sqrt(lr.Select(v => (v - m) * (v - m)).Average());
                return test.Select(v => (Math.Log(Math.Max(v, 1e-12)) - m) / s).ToArray();
            }
            double[] Add(params double[][] parts) => Enumerable.Range(0, parts[0].Length).Select(i => parts.Sum(p => p[i])).ToArray();
            double[] Mean(double[] a, double[] b) => a.Select((v, i) => (v + b[i]) / 2).ToArray();

            using var maha = Mahalanobis(trainCodes);
            double[] mTest = maha.Invoke(testCodes), mVal = maha.Invoke(valCodes), mTestF = maha.Invoke(testCodesF);
            rows["error"] = testErr;
            rows["maha"] = mTest;
            rows["err+maha (val z)"] = Add(Z(testErr, valErr), Z(mTest, mVal));
            rows["err+maha flip-avg"] = Mean(Add(Z(testErr, valErr), Z(mTest, mVal)), Add(Z(testErrF, valErr), Z(mTestF, mVal)));
            foreach (int kk in new[] { 10, 20, 50 })
            {
                double[] kTest = Knn(trainCodes, testCodes, kk), kVal = Knn(trainCodes, valCodes, kk);
                rows[$"knn{kk}"] = kTest;
                rows[$"err+knn{kk}"] = Add(Z(testErr, valErr), Z(kTest, kVal));
                rows[$"err+maha+knn{kk}"] = Add(Z(testErr, valErr), Z(mTest, mVal), Z(kTest, kVal));
                if (kk == 5)
                {
                    double[] kTestF = Knn(trainCodes, testCodesF, kk);
                    rows[$"err+maha+knn{kk} flip-avg"] = Mean(Add(Z(testErr, valErr), Z(mTest, mVal), Z(kTest, kVal)),
                        Add(Z(testErrF, valErr), Z(mTestF, mVal), Z(kTestF, kVal)));
                    rows[$"err+knn{kk} flip-avg"] = Mean(Add(Z(testErr, valErr), Z(kTest, kVal)), Add(Z(testErrF, valErr), Z(kTestF, kVal)));
                }
            }
            {
                // A bank of at most 2,048 codes (every n-th), statistics leave-one-out on the training codes themselves.
                long step = (trainCodes.shape[0] + 2047) / 2048;
                using var bank = trainCodes.index_select(0, arange(0, trainCodes.shape[0], step));
                double[] bTest = Knn(bank, testCodes, 20);
                double[] bTrain = Knn(bank, trainCodes, 21, dropFirst: true), eTrain = trainErr;
                double[] mTrain = maha.Invoke(trainCodes);
                rows["bank2048 err+maha+knn20 (train z)"] = Add(Z(testErr, eTrain), Z(mTest, mTrain), Z(bTest, bTrain));
                rows["err+maha (train z)"] = Add(Z(testErr, eTrain), Z(mTest, mTrain));
            }
            foreach (int kk in new[] { 5 })
            {
                double[] wTest = WhitenedKnn(trainCodes, testCodes, kk), wVal = WhitenedKnn(trainCodes, valCodes, kk);
                rows[$"wknn{kk}"] = wTest;
                rows[$"err+wknn{kk}"] = Add(Z(testErr, valErr), Z(wTest, wVal));
            }
            trainCodes.Dispose(); valCodes.Dispose(); testCodes.Dispose(); testCodesF.Dispose();
            Console.WriteLine($"probe: class {k}: " + string.Join(", ", rows.Select(r => $"{r.Key} {BinaryMetrics.Auroc(r.Value, y):F4}")));
            foreach (var (name, s) in rows) (sums.TryGetValue(name, out var l) ? l : sums[name] = []).Add(BinaryMetrics.Auroc(s, y));
        }
        foreach (var (name, l) in sums) Console.WriteLine($"probe: mean over {l.Count} classes {name,-28} {l.Average():F4}");
    }

    // μ [N, L] and mean squared error per image of one CSV's images.
    private static (Tensor Codes, double[] Errors) Codes(VaeModel vae, string csv, out long[] labels, out string[] classes, bool flip = false, bool flipToo = false)
    {
        var spec = DatasetSpec.FromCsvFiles(csv, null, null, null);
        using var data = SplitCache.Load(spec.Split("train"), new CacheOptions { ImageSize = vae.Options.ImageSize, Channels = vae.Options.Channels, Folder = spec.CacheFolder });
        labels = data.Labels.ToArray();
        classes = spec.Classes.ToArray();
        var codes = new List<Tensor>();
        var errors = new List<double>();
        CachedBatches.ForEach(data, 256, x =>
        {
            if (flip) x = x.flip(3);
            var (mu, _) = vae.Encode(x);
            Tensor err = vae.ReconstructionError(x, VaeScoreKind.MeanSquaredError);
            errors.AddRange(err.data<float>().ToArray().Select(v => (double)v));
            codes.Add(mu.to(ScalarType.Float64).MoveToOuterDisposeScope());
        });
        var all = cat(codes, 0);
        foreach (var c in codes) c.Dispose();
        return (all, errors.ToArray());
    }

    internal static DisposableFunc Mahalanobis(Tensor train)
    {
        Tensor mean = train.mean([0]);
        Tensor c = train - mean;
        Tensor cov = c.t().mm(c) / (double)train.shape[0];
        double scale = cov.diagonal().mean().item<double>();
        Tensor precision = linalg.inv(cov + eye(train.shape[1], dtype: ScalarType.Float64) * (0.1 * scale));
        return new DisposableFunc(t => { using var d = t - mean; return (d.mm(precision) * d).sum(1).data<double>().ToArray(); }, mean, c, cov, precision);
    }

    // Mean Euclidean distance to the k nearest training codes.
    internal static double[] Knn(Tensor train, Tensor test, int k, bool dropFirst = false)
    {
        using var scope = NewDisposeScope();
        var result = new List<double>();
        for (long i = 0; i < test.shape[0]; i += 1024)
        {
            Tensor d = cdist(test.narrow(0, i, Math.Min(1024, test.shape[0] - i)), train);
            var v = d.topk(k, largest: false, sorted: true).values; if (dropFirst) v = v.narrow(1, 1, k - 1);
            result.AddRange(v.mean([1]).data<double>().ToArray());
        }
        return result.ToArray();
    }

    // kNN in the space whitened by the training codes' (shrunk) covariance.
    private static double[] WhitenedKnn(Tensor train, Tensor test, int k)
    {
        using var scope = NewDisposeScope();
        Tensor mean = train.mean([0]);
        Tensor c = train - mean;
        Tensor cov = c.t().mm(c) / (double)train.shape[0];
        double scale = cov.diagonal().mean().item<double>();
        Tensor l = linalg.cholesky(linalg.inv(cov + eye(train.shape[1], dtype: ScalarType.Float64) * (0.1 * scale)));
        return Knn(c.mm(l), (test - mean).mm(l), k);
    }

    /// <summary>A scoring function that owns the tensors it reads.</summary>
    public sealed class DisposableFunc(Func<Tensor, double[]> f, params Tensor[] keep) : IDisposable
    {
        public double[] Invoke(Tensor t) => f(t);
        public void Dispose() { foreach (var t in keep) t.Dispose(); }
    }
}
