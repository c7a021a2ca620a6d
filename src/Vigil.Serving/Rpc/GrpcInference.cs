using Google.Protobuf;
using global::Grpc.Core;
using Inference;
using Vigil.Serving.Protocol;

namespace Vigil.Serving.Rpc;

/// <summary>
/// The Open Inference Protocol's <c>inference.GRPCInferenceService</c>: the six RPCs over <see cref="InferenceService"/>.
/// Inputs come in typed contents or <c>raw_input_contents</c>; outputs go in <c>raw_output_contents</c>, as Triton sends
/// them. Refusals are gRPC statuses: INVALID_ARGUMENT, NOT_FOUND, UNAVAILABLE, RESOURCE_EXHAUSTED.
/// </summary>
internal sealed class GrpcInference(InferenceService service) : GRPCInferenceService.GRPCInferenceServiceBase
{
    public override Task<ServerLiveResponse> ServerLive(ServerLiveRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerLiveResponse { Live = true });

    public override Task<ServerReadyResponse> ServerReady(ServerReadyRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerReadyResponse { Ready = service.Ready });

    public override Task<ModelReadyResponse> ModelReady(ModelReadyRequest request, ServerCallContext context) =>
        Guard(() => Task.FromResult(new ModelReadyResponse { Ready = service.ModelReady(request.Name, request.Version) }));

    public override Task<ServerMetadataResponse> ServerMetadata(ServerMetadataRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerMetadataResponse { Name = InferenceService.ServerName, Version = InferenceService.ServerVersion, Extensions = { InferenceService.Extensions } });

    public override Task<ModelMetadataResponse> ModelMetadata(ModelMetadataRequest request, ServerCallContext context) =>
        Guard(() =>
        {
            ModelMetadata metadata = service.Metadata(request.Name, request.Version);
            var response = new ModelMetadataResponse { Name = metadata.Name, Platform = metadata.Platform, Versions = { metadata.Versions } };
            response.Inputs.AddRange(metadata.Inputs.Select(Tensor));
            response.Outputs.AddRange(metadata.Outputs.Select(Tensor));
            response.Properties.Add(metadata.Properties.ToDictionary());
            return Task.FromResult(response);
        });

    public override Task<ModelInferResponse> ModelInfer(ModelInferRequest request, ServerCallContext context) =>
        Guard(async () =>
        {
            InferResponse response = await service.InferAsync(request.ModelName, request.ModelVersion, Read(request), context.CancellationToken);
            var answer = new ModelInferResponse { ModelName = response.ModelName, ModelVersion = response.ModelVersion, Id = response.Id ?? "" };
            foreach (OutputTensor output in response.Outputs)
            {
                answer.Outputs.Add(new ModelInferResponse.Types.InferOutputTensor { Name = output.Name, Datatype = output.Datatype, Shape = { output.Shape } });
                answer.RawOutputContents.Add(ByteString.CopyFrom(TensorBytes.Write(output)));
            }
            return answer;
        });

    private static ModelMetadataResponse.Types.TensorMetadata Tensor(TensorMetadata t) => new() { Name = t.Name, Datatype = t.Datatype, Shape = { t.Shape } };

    private static InferRequest Read(ModelInferRequest request)
    {
        bool raw = request.RawInputContents.Count > 0;
        if (raw && request.RawInputContents.Count != request.Inputs.Count)
            throw InferenceException.Invalid($"raw_input_contents holds {request.RawInputContents.Count} entries for {request.Inputs.Count} inputs; give one per input, or none");
        var inputs = new List<InputTensor>();
        for (int i = 0; i < request.Inputs.Count; i++)
        {
            var input = request.Inputs[i];
            if (raw && input.Contents is not null && !IsEmpty(input.Contents))
                throw InferenceException.Invalid($"input \"{input.Name}\" has both contents and raw_input_contents; give one");
            var parameters = Parameters(input.Parameters);
            if (raw)
            {
                var (bytes, uint8, fp32) = TensorBytes.Read(input.Name, input.Datatype, request.RawInputContents[i].Memory);
                inputs.Add(new InputTensor { Name = input.Name, Datatype = input.Datatype, Shape = input.Shape.ToList(), Parameters = parameters, Bytes = bytes, UInt8 = uint8, Fp32 = fp32 });
                continue;
            }
            InferTensorContents contents = input.Contents ?? new InferTensorContents();
            inputs.Add(new InputTensor
            {
                Name = input.Name, Datatype = input.Datatype, Shape = input.Shape.ToList(), Parameters = parameters,
                Bytes = input.Datatype == Datatypes.Bytes ? contents.BytesContents.Select(b => b.Memory).ToList() : null,
                UInt8 = input.Datatype == Datatypes.UInt8 ? contents.UintContents.Select((v, j) => v <= 255 ? (byte)v
                    : throw InferenceException.Invalid($"input \"{input.Name}\": element {j} is {v}, not a UINT8 (0–255)")).ToArray() : null,
                Fp32 = input.Datatype == Datatypes.Fp32 ? contents.Fp32Contents.ToArray() : null,
            });
        }
        var requestParameters = Parameters(request.Parameters);
        return new InferRequest
        {
            Id = request.Id.Length == 0 ? null : request.Id,
            Parameters = requestParameters,
            Inputs = inputs,
            Outputs = request.Outputs.Count == 0 ? null : request.Outputs.Select(o => new RequestedOutput(o.Name, true)).ToList(),
        };
    }

    private static bool IsEmpty(InferTensorContents c) =>
        c.BoolContents.Count + c.IntContents.Count + c.Int64Contents.Count + c.UintContents.Count + c.Uint64Contents.Count + c.Fp32Contents.Count
        + c.Fp64Contents.Count + c.BytesContents.Count == 0;

    private static Dictionary<string, object> Parameters(Google.Protobuf.Collections.MapField<string, InferParameter> map) =>
        map.ToDictionary(p => p.Key, p => p.Value.ParameterChoiceCase switch
        {
            InferParameter.ParameterChoiceOneofCase.BoolParam => (object)p.Value.BoolParam,
            InferParameter.ParameterChoiceOneofCase.Int64Param => p.Value.Int64Param,
            InferParameter.ParameterChoiceOneofCase.DoubleParam => p.Value.DoubleParam,
            InferParameter.ParameterChoiceOneofCase.Uint64Param => p.Value.Uint64Param,
            InferParameter.ParameterChoiceOneofCase.StringParam => p.Value.StringParam,
            _ => throw InferenceException.Invalid($"parameter \"{p.Key}\" has no value"),
        }, StringComparer.Ordinal);

    // Refusals become gRPC statuses; a cancelled call is the client's own doing and needs no status of ours.
    private static async Task<T> Guard<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (InferenceException e)
        {
            StatusCode code = e.Failure switch
            {
                InferenceFailure.InvalidArgument => StatusCode.InvalidArgument,
                InferenceFailure.NotFound => StatusCode.NotFound,
                InferenceFailure.TooLarge => StatusCode.ResourceExhausted,
                _ => StatusCode.Unavailable,
            };
            throw new RpcException(new Status(code, e.Message));
        }
    }
}
