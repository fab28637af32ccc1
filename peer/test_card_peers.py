import glob
import hashlib
import json
import os
import shutil

import pytest
import zxingcpp
from asn1crypto import cms, core, x509 as a_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from mrz.checker.td1 import TD1CodeChecker
from PIL import Image

from conftest import PASSPHRASE, run


class DataGroupHash(core.Sequence):
    _fields = [("dataGroupNumber", core.Integer), ("dataGroupHashValue", core.OctetString)]


class DataGroupHashValues(core.SequenceOf):
    _child_spec = DataGroupHash


class LDSSecurityObject(core.Sequence):
    _fields = [("version", core.Integer), ("hashAlgorithm", cms.DigestAlgorithm),
               ("dataGroupHashValues", DataGroupHashValues)]


def signed_data(card):
    sod = card.chip("EF.SOD")
    assert sod[0] == 0x77
    wrapper = core.Asn1Value.load(sod)
    info = cms.ContentInfo.load(wrapper.contents)
    assert info["content_type"].native == "signed_data"
    return info["content"]


def test_sod_structure_read_by_asn1crypto(card):
    sd = signed_data(card)
    assert sd["version"].native == "v3"
    assert sd["encap_content_info"]["content_type"].dotted == "2.23.136.1.1.1"
    for algorithm in sd["digest_algorithms"]:
        assert algorithm["algorithm"].native == "sha256"
        assert algorithm["parameters"].native is None  # no NULL parameters
    lds = LDSSecurityObject.load(sd["encap_content_info"]["content"].native)
    assert lds["version"].native == 0
    hashes_by_group = {h["dataGroupNumber"].native: h["dataGroupHashValue"].native for h in lds["dataGroupHashValues"]}
    assert sorted(hashes_by_group) == [1, 2, 13]
    for number, digest in hashes_by_group.items():
        assert hashlib.sha256(card.chip(f"DG{number}")).digest() == digest
    signer = sd["signer_infos"][0]
    attrs = {a["type"].native: a["values"][0] for a in signer["signed_attrs"]}
    assert attrs["content_type"].dotted == "2.23.136.1.1.1"
    assert attrs["message_digest"].native == hashlib.sha256(sd["encap_content_info"]["content"].native).digest()
    assert signer["signature_algorithm"]["algorithm"].native == "sha256_ecdsa"


def test_signature_and_chain_checked_by_cryptography(card):
    sd = signed_data(card)
    ds = x509.load_der_x509_certificate(sd["certificates"][0].chosen.dump())
    signer = sd["signer_infos"][0]
    signed = bytearray(signer["signed_attrs"].dump())
    signed[0] = 0x31  # the signature covers the SET, stored as [0] IMPLICIT
    ds.public_key().verify(signer["signature"].native, bytes(signed), ec.ECDSA(hashes.SHA256()))

    with open(os.path.join(os.path.dirname(card.folder), "masterlist.pem"), "rb") as f:
        csca = x509.load_pem_x509_certificate(f.read())
    ds.verify_directly_issued_by(csca)
    assert isinstance(csca.public_key().curve, ec.SECP384R1)
    assert isinstance(ds.public_key().curve, ec.SECP256R1)


def test_certificate_profiles(card):
    csca_pem, = glob.glob(os.path.join(card.pki, "csca-*.pem"))
    with open(csca_pem, "rb") as f:
        csca = x509.load_pem_x509_certificate(f.read())
    basic = csca.extensions.get_extension_for_class(x509.BasicConstraints)
    assert basic.critical and basic.value.ca and basic.value.path_length == 0
    usage = csca.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical and usage.value.key_cert_sign and usage.value.crl_sign and not usage.value.digital_signature
    ds_pem, = glob.glob(os.path.join(card.pki, "ds-*.pem"))
    with open(ds_pem, "rb") as f:
        ds_bytes = f.read()
    ds = x509.load_pem_x509_certificate(ds_bytes)
    ds_usage = ds.extensions.get_extension_for_class(x509.KeyUsage)
    assert ds_usage.critical and ds_usage.value.digital_signature and not ds_usage.value.key_cert_sign
    aki = ds.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value.key_identifier
    assert aki == csca.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest
    # The private key usage period, read by asn1crypto: the key signs for about 3 months,
    # the certificate lives about 23 years longer.
    parsed = a_x509.Certificate.load(ds.public_bytes(serialization.Encoding.DER))
    period = parsed.private_key_usage_period_value
    days = (period["not_after"].native - period["not_before"].native).days
    assert 88 <= days <= 93
    assert (ds.not_valid_after_utc - period["not_after"].native).days > 23 * 365 - 2


def test_private_keys_open_with_the_passphrase_only(card):
    ds_key_file, = glob.glob(os.path.join(card.pki, "ds-*.key"))
    with open(ds_key_file, "rb") as f:
        pem = f.read()
    assert pem.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    key = serialization.load_pem_private_key(pem, password=PASSPHRASE.encode())
    with open(ds_key_file[:-4] + ".pem", "rb") as f:
        ds = x509.load_pem_x509_certificate(f.read())
    assert key.public_key().public_numbers() == ds.public_key().public_numbers()
    with pytest.raises(ValueError):
        serialization.load_pem_private_key(pem, password=b"not the passphrase")


def test_qr_png_read_by_zxing(card):
    results = zxingcpp.read_barcodes(Image.open(os.path.join(card.folder, "qr.png")))
    assert len(results) == 1
    assert results[0].format == zxingcpp.BarcodeFormat.QRCode
    assert results[0].ec_level == "M"
    text = card.file("qr.txt", "r")
    assert results[0].text == text
    assert text.startswith(card.pin + "|")
    assert len(text.split("|")) >= 7


def test_mrz_accepted_by_the_mrz_package(card):
    lines = card.file("mrz.txt", "r").strip()
    assert TD1CodeChecker(lines)
    first = lines.splitlines()[0]
    assert first[5:14] == card.pin[3:] and first[15:27] == card.pin
    broken = lines[:14] + ("0" if lines[14] != "0" else "1") + lines[15:]
    assert not TD1CodeChecker(broken)
    reference = "IDVNM2039999995079203999999<<5\n0304155M2804154VNM<<<<<<<<<<<4\nTRAN<<VAN<B<<<<<<<<<<<<<<<<<<<"
    assert TD1CodeChecker(reference)


def test_bac_keys_in_the_record(card):
    record = json.loads(card.file("card.json", "r"))
    line1, line2, _ = card.file("mrz.txt", "r").strip().splitlines()
    info = (line1[5:15] + line2[0:7] + line2[8:15]).encode()
    seed = hashlib.sha1(info).digest()[:16]

    def key(counter):
        raw = hashlib.sha1(seed + bytes([0, 0, 0, counter])).digest()[:16]
        return bytes((b & 0xFE) | (bin(b & 0xFE).count("1") % 2 == 0) for b in raw).hex().upper()

    assert record["bac"] == {"k_seed": seed.hex().upper(), "k_enc": key(1), "k_mac": key(2)}
    assert {c["file"] for c in record["chip"]} == {"EF.COM", "DG1", "DG2", "DG13", "EF.SOD"}


def test_verify_command_passes_then_fails_on_a_changed_byte(card, tmp_path):
    masterlist = os.path.join(os.path.dirname(card.folder), "masterlist.pem")
    ok = run("card", "verify", card.folder, "--csca", masterlist, check=False)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ok.stdout.count("PASS") == 8
    copy = tmp_path / "card"
    shutil.copytree(card.folder, copy)
    dg1 = copy / "DG1.bin"
    data = bytearray(dg1.read_bytes())
    data[-1] ^= 0x01
    dg1.write_bytes(bytes(data))
    bad = run("card", "verify", str(copy), "--csca", masterlist, check=False)
    assert bad.returncode == 1
    assert "FAIL  DG1 hash" in bad.stdout
