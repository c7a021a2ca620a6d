using Vigil.Core.Runs;

namespace Vigil.Monitoring.Simulation;

/// <summary>
/// The numbers of a simulated run, epoch by epoch: exponential learning curves with noise, a late train/val gap, and
/// per-class results derived from a confusion matrix of the validation split, so every figure agrees with the others
/// (a class's sensitivity is exactly its diagonal cell over its row). Critical classes sit just above their threshold
/// and now and then dip under it, which is what the alerts are for. Deterministic for a given seed.
/// </summary>
public sealed class SimulatedCurves
{
    private readonly SimulationProfile _profile;
    private readonly Random _random;
    private readonly long[] _support;
    private readonly double[] _final;
    private readonly double[] _start;
    private readonly double[] _pace;
    private readonly double _tau;

    /// <summary>Prepares the curves of <paramref name="profile"/>.</summary>
    public SimulatedCurves(SimulationProfile profile, int seed)
    {
        ArgumentNullException.ThrowIfNull(profile);
        _profile = profile;
        _random = new Random(seed);
        int k = profile.Classes.Count;
        double shares = profile.Classes.Sum(c => c.Share);
        _support = profile.Classes.Select(c => Math.Max(1L, (long)Math.Round(profile.ValImages * c.Share / shares))).ToArray();
        _tau = Math.Max(1.0, profile.Epochs / 5.0);
        _final = new double[k]; _start = new double[k]; _pace = new double[k];
        for (int c = 0; c < k; c++)
        {
            double d = profile.Classes[c].Difficulty;
            // Final sensitivity 1 − 0.55·d^1.6: 0.995 for an easy class (d = 0.05), 0.82 for a hard one (d = 0.5).
            _final[c] = 1 - 0.55 * Math.Pow(d, 1.6);
            // A critical class ends halfway between its threshold and 1, so it meets the threshold unless it dips.
            if (profile.CriticalThresholds.TryGetValue(profile.Classes[c].Name, out double required)) _final[c] = Math.Max(_final[c], required + (1 - required) / 2);
            _start[c] = 0.10 + 0.40 * (1 - d);
            _pace[c] = _tau * (0.6 + 1.2 * d);
        }
    }

    /// <summary>Validation images per class.</summary>
    public IReadOnlyList<long> Support => _support;

    /// <summary>Training loss at a fractional epoch (0 = before training), with batch-level noise when asked.</summary>
    public double TrainLoss(double epoch, bool batchNoise)
    {
        double clean = 0.16 + 3.1 * Math.Exp(-epoch / (0.9 * _tau));
        return Math.Max(0.01, clean * (1 + (batchNoise ? 0.08 : 0.015) * Gaussian()));
    }

    /// <summary>Validation loss after <paramref name="epoch"/>: falls, then creeps up once the model starts to overfit.</summary>
    public double ValLoss(int epoch)
    {
        double overfit = 0.006 * Math.Pow(Math.Max(0, epoch - 0.6 * _profile.Epochs), 1.2);
        return Math.Max(0.01, (0.24 + 2.9 * Math.Exp(-epoch / _tau) + overfit) * (1 + 0.02 * Gaussian()));
    }

    /// <summary>Learning rate at a fractional epoch: linear warm-up, then cosine decay to zero.</summary>
    public double LearningRate(double epoch)
    {
        double warm = Math.Max(0, _profile.WarmupEpochs);
        if (epoch < warm) return _profile.LearningRate * Math.Max(epoch, 0.01) / warm;
        double progress = Math.Clamp((epoch - warm) / Math.Max(1e-9, _profile.Epochs - warm), 0, 1);
        return _profile.LearningRate * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }

    /// <summary>One training batch's accuracy around the epoch's trend.</summary>
    public double BatchAccuracy(double epoch) =>
        Math.Clamp(TrendAccuracy(epoch) + 0.03 * Gaussian(), 0, 1);

    private double TrendAccuracy(double epoch)
    {
        double shares = _profile.Classes.Sum(c => c.Share);
        double mean = 0;
        for (int c = 0; c < _final.Length; c++) mean += _profile.Classes[c].Share / shares * Sensitivity(c, epoch);
        // Training accuracy pulls ahead of validation as the run goes on.
        return Math.Min(0.999, mean + 0.03 * epoch / _profile.Epochs);
    }

    private double Sensitivity(int c, double epoch) => _final[c] - (_final[c] - _start[c]) * Math.Exp(-epoch / _pace[c]);

    /// <summary>
    /// The validation results after <paramref name="epoch"/>: a confusion matrix (rows true, columns predicted) and
    /// what follows from it.
    /// </summary>
    public EpochFigures Validate(int epoch)
    {
        int k = _final.Length;
        var matrix = new long[k][];
        for (int c = 0; c < k; c++)
        {
            double sensitivity = Sensitivity(c, epoch) + (1 - _final[c]) * 0.35 * Gaussian();
            SimulatedClass cls = _profile.Classes[c];
            // Critical classes hover just above their threshold and sometimes dip under it (after warm-up).
            if (cls.Critical && epoch > _profile.WarmupEpochs && _random.NextDouble() < 0.12) sensitivity -= 0.01 + 0.025 * _random.NextDouble();
            long hits = (long)Math.Round(Math.Clamp(sensitivity, 0, 1) * _support[c]);
            matrix[c] = new long[k];
            matrix[c][c] = hits;
            Spread(matrix[c], c, _support[c] - hits);
        }
        return EpochFigures.From(matrix, _profile.Classes.Select(c => c.Name).ToArray(), _random);
    }

    // Misses go mostly to classes of the same modality (its normal class above all), in proportion to their share.
    private void Spread(long[] row, int truth, long misses)
    {
        SimulatedClass t = _profile.Classes[truth];
        double[] weight = new double[row.Length];
        for (int j = 0; j < row.Length; j++)
        {
            if (j == truth) continue;
            SimulatedClass other = _profile.Classes[j];
            double w = other.Share * (other.Modality == t.Modality ? 8 : 0.2);
            weight[j] = w * (0.5 + _random.NextDouble());
        }
        double total = weight.Sum();
        long left = misses;
        for (int j = 0; j < row.Length && left > 0; j++)
        {
            if (weight[j] == 0) continue;
            long n = Math.Min(left, (long)Math.Floor(misses * weight[j] / total));
            row[j] += n; left -= n;
        }
        // Rounding leftovers go to the most likely confusion.
        if (left > 0) row[Array.IndexOf(weight, weight.Max())] += left;
    }

    private double Gaussian()
    {
        double u1 = 1 - _random.NextDouble(), u2 = _random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}

/// <summary>Validation figures of one simulated epoch, all derived from its confusion matrix.</summary>
/// <param name="Confusion">Rows: true class; columns: predicted.</param>
/// <param name="PerClass">Sensitivity, specificity, precision, F1, AUROC and support per class.</param>
/// <param name="Accuracy">Diagonal over total.</param>
/// <param name="F1Macro">Mean of the per-class F1.</param>
/// <param name="AurocMacro">Mean per-class AUROC.</param>
/// <param name="AurocWeighted">Per-class AUROC weighted by support.</param>
public sealed record EpochFigures(IReadOnlyList<IReadOnlyList<long>> Confusion, IReadOnlyList<ClassMetrics> PerClass,
    double Accuracy, double F1Macro, double AurocMacro, double AurocWeighted)
{
    /// <summary>Computes the figures of a confusion matrix. AUROC is not defined by counts alone: it is modelled as
    /// a little above the balanced accuracy of the class, which is where real one-vs-rest AUROCs sit.</summary>
    public static EpochFigures From(long[][] matrix, IReadOnlyList<string> names, Random random)
    {
        int k = matrix.Length;
        long total = matrix.Sum(r => r.Sum());
        long[] predicted = Enumerable.Range(0, k).Select(j => matrix.Sum(r => r[j])).ToArray();
        var perClass = new List<ClassMetrics>(k);
        double f1Sum = 0, aucSum = 0, aucWeighted = 0;
        long diagonal = 0;
        for (int c = 0; c < k; c++)
        {
            long support = matrix[c].Sum(), tp = matrix[c][c], fp = predicted[c] - tp, fn = support - tp, tn = total - support - fp;
            diagonal += tp;
            double sensitivity = support > 0 ? (double)tp / support : 0;
            double specificity = tn + fp > 0 ? (double)tn / (tn + fp) : 1;
            double precision = tp + fp > 0 ? (double)tp / (tp + fp) : 0;
            double f1 = precision + sensitivity > 0 ? 2 * precision * sensitivity / (precision + sensitivity) : 0;
            double balanced = (sensitivity + specificity) / 2;
            double auroc = Math.Min(0.9999, balanced + (1 - balanced) * (0.45 + 0.1 * random.NextDouble()));
            f1Sum += f1; aucSum += auroc; aucWeighted += auroc * support;
            perClass.Add(new ClassMetrics
            {
                Class = names[c], Sensitivity = sensitivity, Specificity = specificity, Precision = precision, F1 = f1, Auroc = auroc, Support = support,
            });
        }
        IReadOnlyList<IReadOnlyList<long>> confusion = matrix.Select(r => (IReadOnlyList<long>)r).ToArray();
        return new EpochFigures(confusion, perClass, total > 0 ? (double)diagonal / total : 0, f1Sum / k, aucSum / k, total > 0 ? aucWeighted / total : 0);
    }
}
