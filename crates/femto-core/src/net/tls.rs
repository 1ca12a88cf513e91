//! TLS for network handlers, with rustls: the certificate chain and the
//! host name are checked against the system's roots or a given bundle;
//! only an explicit `insecure` turns the checks off.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};

/// How a handler sets up TLS.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct TlsOptions {
    /// A PEM bundle of trusted roots; `None`: the system's.
    pub ca_file: Option<PathBuf>,
    /// A PEM client certificate chain, for servers that ask for one.
    pub cert_file: Option<PathBuf>,
    /// The client certificate's PEM private key.
    pub key_file: Option<PathBuf>,
    /// The name checked against the server's certificate and sent as SNI;
    /// `None`: the host connected to.
    pub server_name: Option<String>,
    /// Accept any certificate for any name. Warned about once in the log.
    pub insecure: bool,
}

impl fmt::Debug for TlsOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Paths only: nothing here is secret, but say so explicitly.
        f.debug_struct("TlsOptions")
            .field("ca_file", &self.ca_file)
            .field("cert_file", &self.cert_file)
            .field("key_file", &self.key_file.as_ref().map(|_| "<set>"))
            .field("server_name", &self.server_name)
            .field("insecure", &self.insecure)
            .finish()
    }
}

/// Why TLS could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum TlsSetupError {
    /// A file could not be read or holds no usable PEM item.
    #[error("{option} {path:?}: {message}")]
    File {
        /// The option naming the file.
        option: &'static str,
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// No trusted roots: neither the system's nor a bundle gave any.
    #[error("no trusted root certificates (give ca_file)")]
    NoRoots,
    /// A client certificate without its key, or the reverse.
    #[error("cert_file and key_file go together")]
    HalfClientAuth,
    /// rustls refused the settings.
    #[error("{0}")]
    Rustls(#[from] rustls::Error),
    /// `server_name` is not a DNS name or IP address.
    #[error("server_name {0:?} is not a host name or IP address")]
    ServerName(String),
}

impl TlsOptions {
    /// The rustls client configuration these options make.
    pub(crate) fn client_config(&self) -> Result<Arc<ClientConfig>, TlsSetupError> {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let builder = ClientConfig::builder_with_provider(Arc::clone(&provider))
            .with_safe_default_protocol_versions()?;
        let builder = if self.insecure {
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(AcceptAnything(
                    provider.signature_verification_algorithms,
                )))
        } else {
            builder.with_root_certificates(self.roots()?)
        };
        let config = match (&self.cert_file, &self.key_file) {
            (None, None) => builder.with_no_client_auth(),
            (Some(cert), Some(key)) => builder
                .with_client_auth_cert(certificates("cert_file", cert)?, private_key(key)?)?,
            _ => return Err(TlsSetupError::HalfClientAuth),
        };
        Ok(Arc::new(config))
    }

    /// The name to check and send for `host`.
    pub(crate) fn server_name(&self, host: &str) -> Result<ServerName<'static>, TlsSetupError> {
        let name = self.server_name.as_deref().unwrap_or(host);
        let name = name.trim_start_matches('[').trim_end_matches(']');
        ServerName::try_from(name.to_owned()).map_err(|_| TlsSetupError::ServerName(name.into()))
    }

    fn roots(&self) -> Result<RootCertStore, TlsSetupError> {
        let mut roots = RootCertStore::empty();
        match &self.ca_file {
            Some(path) => {
                let (added, _) = roots.add_parsable_certificates(certificates("ca_file", path)?);
                if added == 0 {
                    return Err(file_error("ca_file", path, "no usable certificate"));
                }
            }
            None => {
                let native = rustls_native_certs::load_native_certs();
                roots.add_parsable_certificates(native.certs);
            }
        }
        if roots.is_empty() {
            return Err(TlsSetupError::NoRoots);
        }
        Ok(roots)
    }
}

fn file_error(option: &'static str, path: &Path, message: impl fmt::Display) -> TlsSetupError {
    TlsSetupError::File {
        option,
        path: path.to_path_buf(),
        message: message.to_string(),
    }
}

/// The certificates of a PEM file (at least one).
fn certificates(
    option: &'static str,
    path: &Path,
) -> Result<Vec<CertificateDer<'static>>, TlsSetupError> {
    let certs = CertificateDer::pem_file_iter(path)
        .and_then(|items| items.collect::<Result<Vec<_>, _>>())
        .map_err(|e| file_error(option, path, e))?;
    if certs.is_empty() {
        return Err(file_error(option, path, "no PEM certificate"));
    }
    Ok(certs)
}

fn private_key(path: &Path) -> Result<PrivateKeyDer<'static>, TlsSetupError> {
    // The error never quotes the file's contents.
    PrivateKeyDer::from_pem_file(path).map_err(|e| file_error("key_file", path, e))
}

/// The verifier of `insecure`: any certificate, any name; signatures are
/// still checked, so the handshake itself is sound.
#[derive(Debug)]
struct AcceptAnything(WebPkiSupportedAlgorithms);

impl ServerCertVerifier for AcceptAnything {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_schemes()
    }
}

/// The provider every TLS setup here uses (aws-lc-rs), for test servers.
pub fn crypto_provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}
