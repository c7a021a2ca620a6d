using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Vigil.ML.Native;

/// <summary>
/// AdamW (decoupled weight decay, Loshchilov &amp; Hutter) with TorchSharp's optimizer state and checkpoint format, but a
/// step whose scalar arguments stay alive while libtorch reads them. TorchSharp's own <c>AdamW.step</c> passes numbers
/// through the implicit number-to-<see cref="Scalar"/> conversion (<see cref="KeptScalars"/> explains the fault): a
/// garbage collection during one of its native calls freed the value being read, and a training run stopped in its
/// 9th epoch with "Unknown scalar type" from <c>div</c>. Written here because no optimizer served for TorchSharp avoids
/// it; the update is the same, so its results match TorchSharp's AdamW (a test compares them). Its name is AdamW too:
/// TorchSharp's saved optimizer state names the optimizer's type, and checkpoints of either load into the other.
/// </summary>
public sealed class AdamW : TorchSharp.Modules.AdamW
{
    /// <summary>An AdamW over <paramref name="parameters"/>; the defaults are those of TorchSharp's <c>optim.AdamW</c> (and PyTorch's).</summary>
    public AdamW(IEnumerable<Parameter> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0)
        : base(parameters, lr, beta1, beta2, eps, weightDecay)
    {
    }

    /// <inheritdoc />
    public override Tensor step(Func<Tensor>? closure = null) =>
        _step<ParamGroup>(group =>
        {
            var options = (Options)group.Options;
            double lr = options.LearningRate!.Value, beta1 = options.beta1!.Value, beta2 = options.beta2!.Value;
            if (options.amsgrad == true || options.maximize == true)
                throw new NotSupportedException("this AdamW supports neither amsgrad nor maximize");
            // Every Scalar is a `using` variable: referenced until the calls that read it have returned.
            using Scalar decay = (1 - lr * options.weight_decay!.Value).ToScalar();
            using Scalar keep1 = beta1.ToScalar(), add1 = (1 - beta1).ToScalar();
            using Scalar keep2 = beta2.ToScalar(), add2 = (1 - beta2).ToScalar();
            using Scalar eps = options.eps!.Value.ToScalar();
            foreach (Parameter parameter in group.Parameters)
            {
                using Tensor? grad = parameter.grad; // a handle of its own to the gradient: released here, not by the finalizer
                if (grad is null) continue;
                var state = (State)_state[parameter.Handle];
                state.step += 1;
                double correction1 = 1 - Math.Pow(beta1, state.step), correction2 = 1 - Math.Pow(beta2, state.step);
                using Scalar rootCorrection2 = Math.Sqrt(correction2).ToScalar();
                using Scalar stepSize = (-lr / correction1).ToScalar();

                parameter.mul_(decay);
                state.exp_avg.mul_(keep1).add_(grad, add1);
                state.exp_avg_sq.mul_(keep2).addcmul_(grad, grad, add2);
                using Tensor denominator = state.exp_avg_sq.sqrt();
                denominator.div_(rootCorrection2).add_(eps);
                parameter.addcdiv_(state.exp_avg, denominator, stepSize);
            }
        }, closure);
}
