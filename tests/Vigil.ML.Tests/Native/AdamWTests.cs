using TorchSharp;
using TorchSharp.Modules;
using Vigil.ML.Native;
using static TorchSharp.torch;

namespace Vigil.ML.Tests.Native;

/// <summary>
/// Vigil's AdamW takes the same steps as TorchSharp's (whose step converts numbers to scalars implicitly), and keeps its
/// state in the same place, so checkpoints written by either load into the other.
/// </summary>
public sealed class AdamWTests
{
    [Fact]
    public void Its_steps_match_torchsharps_adamw_with_weight_decay()
    {
        using var theirs = MakeModel();
        using var ours = MakeModel();
        using var reference = torch.optim.AdamW(theirs.parameters(), 0.05, weight_decay: 0.1);
        using var optimizer = new Vigil.ML.Native.AdamW(ours.parameters(), 0.05, weightDecay: 0.1);
        using var input = torch.arange(0f, 12f).reshape(4, 3).div(KeptScalars.Of(12));
        using var target = torch.tensor(new float[] { 1, -1, 0.5f, 2 }).reshape(4, 1);
        for (int i = 0; i < 6; i++)
        {
            Step(theirs, reference, input, target);
            Step(ours, optimizer, input, target);
        }
        foreach (var ((name, a), (_, b)) in theirs.named_parameters().Zip(ours.named_parameters()))
            Assert.True(a.allclose(b, rtol: 1e-5, atol: 1e-6), $"{name} differs: {a.sub(b).abs().max().item<float>()}");
        // The weights moved: the comparison is not between two untouched models.
        using var start = MakeModel();
        Assert.False(start.parameters().First().allclose(ours.parameters().First()));
        var state = (TorchSharp.Modules.AdamW.State)optimizer.state_dict().State[0];
        Assert.Equal(6, state.step);
    }

    [Fact]
    public void State_saved_by_torchsharps_adamw_loads_into_it_and_back()
    {
        using var theirs = MakeModel();
        using var ours = MakeModel();
        using var reference = torch.optim.AdamW(theirs.parameters(), 0.05, weight_decay: 0.1);
        using var optimizer = new Vigil.ML.Native.AdamW(ours.parameters(), 0.05, weightDecay: 0.1);
        using var input = torch.ones(4, 3);
        using var target = torch.zeros(4, 1);
        for (int i = 0; i < 3; i++) Step(theirs, reference, input, target);

        // A checkpoint of a run trained before this optimizer existed: TorchSharp's AdamW state, into ours.
        var saved = new MemoryStream();
        reference.save_state_dict(new BinaryWriter(saved));
        saved.Position = 0;
        optimizer.load_state_dict(new BinaryReader(saved));
        var state = (TorchSharp.Modules.AdamW.State)optimizer.state_dict().State[0];
        Assert.Equal(3, state.step);
        Assert.True(state.exp_avg.abs().sum().item<float>() > 0);

        // And ours back into TorchSharp's.
        var again = new MemoryStream();
        optimizer.save_state_dict(new BinaryWriter(again));
        again.Position = 0;
        using var fresh = torch.optim.AdamW(MakeModel().parameters(), 0.05, weight_decay: 0.1);
        fresh.load_state_dict(new BinaryReader(again));
        Assert.Equal(3, ((TorchSharp.Modules.AdamW.State)fresh.state_dict().State[0]).step);
    }

    [Fact]
    public void A_parameter_without_a_gradient_is_left_alone()
    {
        using var model = MakeModel();
        using var optimizer = new Vigil.ML.Native.AdamW(model.parameters(), 0.05, weightDecay: 0.1);
        var before = model.parameters().Select(p => p.detach().clone()).ToList();
        optimizer.step(); // no backward pass: no gradient anywhere
        foreach (var (p, b) in model.parameters().Zip(before)) Assert.Equal(0f, p.detach().sub(b).abs().max().item<float>());
    }

    private static Linear MakeModel()
    {
        torch.manual_seed(7);
        return torch.nn.Linear(3, 1);
    }

    private static void Step(Linear model, optim.Optimizer optimizer, Tensor input, Tensor target)
    {
        optimizer.zero_grad();
        using Tensor loss = torch.nn.functional.mse_loss(model.forward(input), target);
        loss.backward();
        optimizer.step();
    }
}
