"""Builds, exports and checks torchvision models for amct's PyTorch interop test.

Run with Debian's python3-torch and python3-torchvision (/usr/bin/python3):

  torch_models.py export MODEL OPSET FOLD DIR   build MODEL (seeded), save DIR/model.onnx and
                                                DIR/input.npy, DIR/reference.npy (its output)
  torch_models.py check MODEL DIR               rebuild MODEL, fuse Conv+BatchNorm where the
                                                export folded them (report.json), restructure it
                                                per DIR/out/decompose_info.json, load
                                                DIR/out/decomposed_weights.safetensors with
                                                strict=True, save DIR/torch_output.npy, then
                                                change every BatchNorm and Linear tensor and save
                                                DIR/state_dict.safetensors, DIR/trained_output.npy
                                                and DIR/summary.json

FOLD is "fold" (eval-mode export: torch.onnx folds BatchNorm into the convs) or "keep"
(training=TrainingMode.PRESERVE on the eval model: the BatchNorm nodes stay).
"""
import json
import struct
import sys

import numpy as np
import torch
import torchvision
from torch import nn
from torch.nn.utils.fusion import fuse_conv_bn_eval

def input_shape(name):
    """Small inputs keep the test fast; VGG's 7x7 adaptive pool exports only from 224x224."""
    return (1, 3, 224, 224) if name.startswith("vgg") else (1, 3, 64, 64)


class TinyVgg(nn.Module):
    """A vgg11-like net: torchvision's VGG feature maker with a small head."""

    def __init__(self):
        super().__init__()
        cfg = [32, "M", 64, "M", 128, 128, "M"]
        self.features = torchvision.models.vgg.make_layers(cfg, batch_norm=False)
        self.avgpool = nn.AdaptiveAvgPool2d((2, 2))
        self.classifier = nn.Sequential(nn.Linear(128 * 4, 64), nn.ReLU(), nn.Linear(64, 10))

    def forward(self, x):
        return self.classifier(torch.flatten(self.avgpool(self.features(x)), 1))


class TinyConvBn(nn.Module):
    """Conv-BatchNorm-ReLU blocks from torchvision's building block, 64 and 128 channels."""

    def __init__(self):
        super().__init__()
        block = torchvision.ops.Conv2dNormActivation
        self.stem = block(3, 64, kernel_size=3)
        self.body = nn.Sequential(
            block(64, 64, kernel_size=3),
            block(64, 128, kernel_size=3, stride=2),
            block(128, 128, kernel_size=(5, 3)),
        )
        self.head = nn.Linear(128, 10)

    def forward(self, x):
        x = self.body(self.stem(x))
        return self.head(torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1))


def build(name):
    """The model, seeded: biases random ('_rb' suffix) or as constructed (zero in vgg/resnet)."""
    torch.manual_seed(7)
    base = name[:-3] if name.endswith("_rb") else name
    if base == "tiny_vgg":
        model = TinyVgg()
    elif base == "tiny_convbn":
        model = TinyConvBn()
    elif base == "googlenet":
        model = torchvision.models.googlenet(aux_logits=False, init_weights=True)
    else:
        model = getattr(torchvision.models, base)()
    if name.endswith("_rb"):
        with torch.no_grad():
            for module in model.modules():
                if isinstance(module, (nn.Conv2d, nn.Linear)) and module.bias is not None:
                    module.bias.uniform_(-0.5, 0.5)
                if isinstance(module, nn.BatchNorm2d):
                    module.weight.uniform_(0.5, 1.5)
                    module.bias.uniform_(-0.5, 0.5)
                    module.running_mean.uniform_(-0.2, 0.2)
                    module.running_var.uniform_(0.5, 2.0)
    return model.eval()


def export(name, opset, fold, folder):
    model = build(name)
    x = torch.randn(*input_shape(name), generator=torch.Generator().manual_seed(11))
    training = torch.onnx.TrainingMode.EVAL if fold == "fold" else torch.onnx.TrainingMode.PRESERVE
    torch.onnx.export(
        model,
        x,
        f"{folder}/model.onnx",
        opset_version=int(opset),
        training=training,
        do_constant_folding=fold == "fold",
        input_names=["input"],
        output_names=["output"],
    )
    np.save(f"{folder}/input.npy", x.numpy())
    with torch.no_grad():
        np.save(f"{folder}/reference.npy", model(x).numpy())


def conv_bn_pairs(model):
    """(parent, conv child name, bn child name): a Conv2d followed by a BatchNorm2d among the
    children of one module, as resnet, googlenet, densenet and Conv2dNormActivation have them."""
    pairs = []
    for prefix, parent in model.named_modules():
        children = list(parent.named_children())
        for (a, first), (b, second) in zip(children, children[1:]):
            if isinstance(first, nn.Conv2d) and isinstance(second, nn.BatchNorm2d):
                pairs.append((prefix, parent, a, b))
    return pairs


def fuse(model, folded):
    """Fuses each Conv2d the export folded with the BatchNorm that follows it."""
    fused = []
    for prefix, parent, conv_name, bn_name in conv_bn_pairs(model):
        full = f"{prefix}.{conv_name}" if prefix else conv_name
        if full not in folded:
            continue
        setattr(parent, conv_name, fuse_conv_bn_eval(getattr(parent, conv_name), getattr(parent, bn_name)))
        setattr(parent, bn_name, nn.Identity())
        fused.append(full)
    return fused


def eligible(conv):
    """ALGORITHM.md section 1: whether the reference decomposes this Conv2d."""
    kh, kw = conv.kernel_size
    sh, sw = conv.stride
    channels = min(conv.in_channels, conv.out_channels)
    if max(conv.dilation) > 1 or conv.groups > 1 or min(kh, kw) < 3 or max(sh, sw) > 2:
        return False
    if min(kh, kw) * channels < 16:
        return False
    return not (min(kh, kw) < 7 and channels < 64)


def submodule(model, name):
    module = model
    for part in name.split("."):
        module = getattr(module, part)
    return module


def set_submodule(model, name, value):
    parent_name, _, child = name.rpartition(".")
    setattr(submodule(model, parent_name) if parent_name else model, child, value)


def new_conv(orig, shape, bias):
    """One new layer of ALGORITHM.md section 5: a (kh, 1) conv keeps the height stride, padding
    and dilation, a (1, kw) conv the width ones; the other side gets the defaults."""
    out_channels, in_channels, kh, kw = shape
    if kw == 1:
        stride, padding, dilation = (orig.stride[0], 1), (orig.padding[0], 0), (orig.dilation[0], 1)
    else:
        stride, padding, dilation = (1, orig.stride[1]), (0, orig.padding[1]), (1, orig.dilation[1])
    return nn.Conv2d(
        in_channels, out_channels, (kh, kw), stride=stride, padding=padding,
        dilation=dilation, groups=orig.groups, bias=bias, padding_mode=orig.padding_mode)


def restructure(model, info):
    """decompose_network: each listed Conv2d becomes Sequential(first, last), checked."""
    for entry in info:
        layer = entry["ori_layer_info"]
        conv = submodule(model, layer["name"])
        assert isinstance(conv, nn.Conv2d), layer["name"]
        for field in ("in_channels", "out_channels", "kernel_size", "stride", "dilation", "groups"):
            value = getattr(conv, field)
            assert list(value) == layer[field] if isinstance(value, tuple) else value == layer[field], (
                layer["name"], field, value, layer[field])
        first = new_conv(conv, entry["decom_nodes"]["first"]["weight_shape"], False)
        last = new_conv(conv, entry["decom_nodes"]["last"]["weight_shape"], conv.bias is not None)
        set_submodule(model, layer["name"], nn.Sequential(first, last))


DTYPES = {"F32": np.float32, "F64": np.float64, "F16": np.float16, "I64": np.int64, "I32": np.int32}


def read_safetensors(path):
    data = open(path, "rb").read()
    length = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8 : 8 + length])
    metadata = header.pop("__metadata__", {})
    body = data[8 + length :]
    tensors = {}
    for name, entry in header.items():
        begin, end = entry["data_offsets"]
        array = np.frombuffer(body[begin:end], dtype=DTYPES[entry["dtype"]]).reshape(entry["shape"])
        tensors[name] = torch.from_numpy(array.copy())
    return tensors, metadata


def write_safetensors(path, tensors):
    codes = {torch.float32: "F32", torch.int64: "I64"}
    header, chunks, offset = {}, [], 0
    for name, tensor in sorted(tensors.items()):
        raw = tensor.detach().contiguous().numpy().tobytes()
        header[name] = {"dtype": codes[tensor.dtype], "shape": list(tensor.shape),
                        "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as out:
        out.write(struct.pack("<Q", len(text)) + text + b"".join(chunks))


def check(name, folder):
    out = f"{folder}/out"
    report = json.load(open(f"{out}/report.json"))
    folded = {l["name"] for l in report["layers"] + report["skipped"] if l["weights_folded"]}
    info = json.load(open(f"{out}/decompose_info.json"))
    model = build(name)
    fused = fuse(model, folded)
    convs = {n: m for n, m in model.named_modules() if isinstance(m, nn.Conv2d)}
    expected = sorted(n for n, m in convs.items() if eligible(m))
    restructure(model, info)
    tensors, metadata = read_safetensors(f"{out}/decomposed_weights.safetensors")
    model.load_state_dict(tensors, strict=True)
    x = torch.from_numpy(np.load(f"{folder}/input.npy"))
    with torch.no_grad():
        np.save(f"{folder}/torch_output.npy", model(x).numpy())
    # A trained state dict: every BatchNorm and Linear tensor changed, for amct apply to load.
    with torch.no_grad():
        generator = torch.Generator().manual_seed(5)
        for module in model.modules():
            if isinstance(module, (nn.BatchNorm2d, nn.Linear)):
                for tensor in list(module.parameters()) + [module.running_mean, module.running_var] if isinstance(module, nn.BatchNorm2d) else module.parameters():
                    tensor.add_(0.1 * torch.rand(tensor.shape, generator=generator))
        np.save(f"{folder}/trained_output.npy", model(x).numpy())
    write_safetensors(f"{folder}/state_dict.safetensors", model.state_dict())
    summary = {
        "convs": len(convs),
        "decomposed": sorted(e["ori_layer_info"]["name"] for e in info),
        "reference_rule": expected,
        "folded": sorted(folded),
        "fused": sorted(fused),
        "state_dict_keys": len(tensors),
        "metadata": metadata,
    }
    json.dump(summary, open(f"{folder}/summary.json", "w"), indent=1)


if __name__ == "__main__":
    if sys.argv[1] == "export":
        export(*sys.argv[2:6])
    elif sys.argv[1] == "check":
        check(*sys.argv[2:4])
    else:
        raise SystemExit(__doc__)
