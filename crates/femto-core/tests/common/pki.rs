//! Test certificates: a certificate authority and a server certificate it
//! signed, written as PEM files in a temporary directory (with rcgen).

use std::path::{Path, PathBuf};

/// A certificate authority and a server certificate it signed.
pub struct Pki {
    _dir: tempfile::TempDir,
    pub ca: PathBuf,
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// Writes `text` to `dir/name`.
pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// A CA and a server certificate for `names`, valid until `not_after`.
pub fn pki(names: &[&str], not_after: (i32, u8, u8)) -> Pki {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
    let dir = tempfile::tempdir().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_key = KeyPair::generate().unwrap();
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let mut params =
        CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>()).unwrap();
    params.not_before = rcgen::date_time_ymd(2020, 1, 1);
    params.not_after = rcgen::date_time_ymd(not_after.0, not_after.1, not_after.2);
    let key = KeyPair::generate().unwrap();
    let cert = params.signed_by(&key, &issuer).unwrap();
    Pki {
        ca: write(dir.path(), "ca.pem", &ca_cert.pem()),
        cert: write(dir.path(), "server.pem", &cert.pem()),
        key: write(dir.path(), "server.key", &key.serialize_pem()),
        _dir: dir,
    }
}
