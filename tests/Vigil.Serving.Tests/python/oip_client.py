"""An independent Open Inference Protocol client: Debian's grpcio with a stub that grpc_tools generates from
protos/open_inference_grpc.proto, as any user of the protocol would. Run by PythonClientTests.

usage: oip_client.py PROTO_DIR ADDRESS MODEL IMAGE...
prints one JSON document: server metadata, model metadata, and the outputs of one ModelInfer with every image.
"""
import json
import os
import struct
import sys
import tempfile

import grpc
from grpc_tools import protoc


def stub(proto_dir):
    out = tempfile.mkdtemp(prefix="oip-stub-")
    status = protoc.main(["protoc", "-I" + proto_dir, "--python_out=" + out, "--grpc_python_out=" + out,
                          os.path.join(proto_dir, "open_inference_grpc.proto")])
    if status != 0:
        sys.exit("protoc failed on the proto")
    sys.path.insert(0, out)
    import open_inference_grpc_pb2 as pb
    import open_inference_grpc_pb2_grpc as rpc
    return pb, rpc


def main():
    proto_dir, address, model, images = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    pb, rpc = stub(proto_dir)
    with grpc.insecure_channel(address) as channel:
        client = rpc.GRPCInferenceServiceStub(channel)
        live = client.ServerLive(pb.ServerLiveRequest()).live
        server = client.ServerMetadata(pb.ServerMetadataRequest())
        metadata = client.ModelMetadata(pb.ModelMetadataRequest(name=model))
        raw = b"".join(struct.pack("<I", len(data)) + data for data in (open(p, "rb").read() for p in images))
        request = pb.ModelInferRequest(model_name=model, id="py-1")
        request.inputs.add(name="image", datatype="BYTES", shape=[len(images)])
        request.parameters["threshold"].double_param = 0.5
        request.raw_input_contents.append(raw)
        response = client.ModelInfer(request)
        outputs = {}
        for output, content in zip(response.outputs, response.raw_output_contents):
            n = len(content)
            if output.datatype == "FP32":
                outputs[output.name] = list(struct.unpack("<%df" % (n // 4), content))
            elif output.datatype == "BOOL":
                outputs[output.name] = [b == 1 for b in content]
            else:
                values, at = [], 0
                while at < n:
                    (length,) = struct.unpack_from("<I", content, at)
                    values.append(content[at + 4:at + 4 + length].decode("utf-8"))
                    at += 4 + length
                outputs[output.name] = values
        try:
            client.ModelMetadata(pb.ModelMetadataRequest(name="no-such-model"))
            missing = "OK"
        except grpc.RpcError as error:
            missing = error.code().name
    print(json.dumps({
        "live": live, "server": server.name, "extensions": list(server.extensions),
        "versions": list(metadata.versions), "inputs": [t.name for t in metadata.inputs],
        "id": response.id, "model_version": response.model_version, "outputs": outputs, "missing_model": missing,
    }))


if __name__ == "__main__":
    main()
