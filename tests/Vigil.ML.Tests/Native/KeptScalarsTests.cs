using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using TorchSharp;
using Vigil.ML.Native;

namespace Vigil.ML.Tests.Native;

/// <summary>
/// Vigil never lets TorchSharp convert a number to a <see cref="Scalar"/> implicitly: such a Scalar can be finalized
/// while libtorch still reads it (<see cref="KeptScalars"/> says how). Checked on the compiled code itself.
/// </summary>
public sealed class KeptScalarsTests
{
    private static readonly Dictionary<int, OpCode> OpCodesByValue = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => (int)(ushort)o.Value);

    [Fact]
    public void No_method_of_vigil_converts_a_number_to_a_torch_scalar_implicitly()
    {
        var assemblies = new[] { typeof(KeptScalars).Assembly, typeof(Vigil.Core.UserInputException).Assembly }
            .Select(a => a.Location).ToList();
        var found = assemblies.SelectMany(ImplicitScalarCalls).ToList();
        Assert.True(found.Count == 0, "implicit Scalar conversions (use KeptScalars.Of, or ToScalar() into a using variable): " + string.Join(", ", found));
    }

    [Fact]
    public void The_scan_finds_an_implicit_conversion_where_there_is_one()
    {
        // This test assembly converts implicitly below; the scan must see it, or the test above proves nothing.
        Assert.Contains(ImplicitScalarCalls(typeof(KeptScalarsTests).Assembly.Location), m => m.EndsWith("::" + nameof(ConvertsImplicitly), StringComparison.Ordinal));
        using var t = torch.ones(2);
        Assert.Equal(2f, ConvertsImplicitly(t).sum().item<float>());
    }

    [Fact]
    public void A_constant_is_made_once_and_keeps_its_value()
    {
        Assert.Same(KeptScalars.Of(1e-12), KeptScalars.Of(1e-12));
        Assert.Equal(0.25, KeptScalars.Of(0.25).ToDouble());
        Assert.Equal(7L, KeptScalars.OfInteger(7).ToInt64());
        Assert.Equal(torch.ScalarType.Int64, KeptScalars.OfInteger(7).Type);
    }

    private static torch.Tensor ConvertsImplicitly(torch.Tensor t) => t.clamp_min(0.5);

    // Every method body of the assembly that calls TorchSharp's Scalar.op_Implicit, as "Type::Method".
    private static IEnumerable<string> ImplicitScalarCalls(string path)
    {
        using var pe = new PEReader(File.OpenRead(path));
        MetadataReader md = pe.GetMetadataReader();
        var found = new List<string>();
        foreach (TypeDefinitionHandle typeHandle in md.TypeDefinitions)
        {
            TypeDefinition type = md.GetTypeDefinition(typeHandle);
            foreach (MethodDefinitionHandle methodHandle in type.GetMethods())
            {
                MethodDefinition method = md.GetMethodDefinition(methodHandle);
                if (method.RelativeVirtualAddress == 0) continue;
                BlobReader il = pe.GetMethodBody(method.RelativeVirtualAddress).GetILReader();
                while (il.RemainingBytes > 0)
                {
                    int value = il.ReadByte();
                    if (value == 0xFE) value = 0xFE00 | il.ReadByte();
                    OpCode op = OpCodesByValue[value];
                    if (op.OperandType == OperandType.InlineMethod)
                    {
                        EntityHandle target = MetadataTokens.EntityHandle(il.ReadInt32());
                        if (IsImplicitScalar(md, target)) found.Add($"{md.GetString(type.Namespace)}.{md.GetString(type.Name)}::{md.GetString(method.Name)}");
                        continue;
                    }
                    // The operand's size is read first: a switch's count advances the reader itself.
                    int skip = op.OperandType switch
                    {
                        OperandType.InlineNone => 0,
                        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                        OperandType.InlineVar => 2,
                        OperandType.InlineI8 or OperandType.InlineR => 8,
                        OperandType.InlineSwitch => 4 * il.ReadInt32(),
                        _ => 4,
                    };
                    il.Offset += skip;
                }
            }
        }
        return found;
    }

    private static bool IsImplicitScalar(MetadataReader md, EntityHandle target)
    {
        if (target.Kind != HandleKind.MemberReference) return false;
        MemberReference member = md.GetMemberReference((MemberReferenceHandle)target);
        return md.GetString(member.Name) == "op_Implicit" && member.Parent.Kind == HandleKind.TypeReference
            && md.GetString(md.GetTypeReference((TypeReferenceHandle)member.Parent).Name) == nameof(Scalar)
            && md.GetString(md.GetTypeReference((TypeReferenceHandle)member.Parent).Namespace) == "TorchSharp";
    }
}
