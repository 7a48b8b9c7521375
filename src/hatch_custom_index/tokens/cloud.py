"""Cloud registries' own credentials: a short-lived token from the cloud SDK the job already has an identity for.

AWS CodeArtifact (boto3's `get_authorization_token`, username `aws`), Google Artifact Registry (google-auth's
Application Default Credentials, username `oauth2accesstoken`) and Azure Artifacts (azure-identity's
`DefaultAzureCredential` for the Azure DevOps resource). Each is recognised by its upload URL, or named by the
`registry` option for a custom domain. Each SDK is an optional extra, imported only when its token is wanted; every
call is bounded in time, like a keyring's.
"""

from __future__ import annotations

import importlib
import re
import time
from dataclasses import dataclass
from datetime import timezone
from typing import TYPE_CHECKING, Protocol, TypedDict, cast
from urllib.parse import urlsplit

from hatch_custom_index.bounded import call_within, describe
from hatch_custom_index.errors import Secret, scrub
from hatch_custom_index.model import Decision, MintedToken, NotMinted
from hatch_custom_index.settings import Registry

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime
    from types import ModuleType

    from hatch_custom_index.tokens.identity import Context

# How long a cloud SDK may take to give a token (it may probe a metadata server, or run a CLI).
WAIT = 30.0
CODEARTIFACT_HOST = re.compile(
    r"^(?P<domain>[a-z][a-z0-9-]{0,48}[a-z0-9])-(?P<owner>\d{12})\.d\.codeartifact\.(?P<region>[a-z0-9-]+)"
    r"\.amazonaws\.com$"
)
ARTIFACT_REGISTRY_HOST = re.compile(r"^[a-z0-9-]+-python\.pkg\.dev$")
AZURE_HOSTS = re.compile(r"^(pkgs\.dev\.azure\.com|[a-z0-9-]+\.pkgs\.visualstudio\.com)$")
GOOGLE_SCOPE = "https://www.googleapis.com/auth/cloud-platform"
AZURE_DEVOPS_SCOPE = "499b84ac-1321-427f-aa17-267ca6975798/.default"  # Azure DevOps' resource, for any tenant
CODEARTIFACT_SECONDS = 43200  # the longest token CodeArtifact gives (12 h); renewed before it lapses anyway


@dataclass(frozen=True)
class CloudIndex:
    """A cloud registry: whose SDK gives its tokens, the username it expects, and what the SDK call needs."""

    registry: Registry
    name: str  # "AWS CodeArtifact"
    username: str
    extra: str  # the plugin's extra that installs the SDK
    sdk: str
    region: str = ""
    domain: str = ""
    owner: str = ""


def recognise(url: str, setting: Registry = Registry.AUTO) -> CloudIndex | None:
    """The cloud registry at `url`, by its host (or as the `registry` option names it), or None."""
    for kind in (_codeartifact_index, _artifact_registry_index, _azure_index):
        index = kind(url, setting)
        if index is not None:
            return index
    return None


def _codeartifact_index(url: str, setting: Registry) -> CloudIndex | None:
    codeartifact = CODEARTIFACT_HOST.match((urlsplit(url).hostname or "").lower())
    if setting is Registry.CODEARTIFACT or (setting is Registry.AUTO and codeartifact):
        parts = codeartifact.groupdict() if codeartifact else {"region": "", "domain": "", "owner": ""}
        return CloudIndex(Registry.CODEARTIFACT, "AWS CodeArtifact", "aws", "aws", "boto3", **parts)
    return None


def _artifact_registry_index(url: str, setting: Registry) -> CloudIndex | None:
    host = (urlsplit(url).hostname or "").lower()
    if setting is Registry.ARTIFACT_REGISTRY or (setting is Registry.AUTO and ARTIFACT_REGISTRY_HOST.match(host)):
        return CloudIndex(
            Registry.ARTIFACT_REGISTRY, "Google Artifact Registry", "oauth2accesstoken", "google", "google-auth"
        )
    return None


def _azure_index(url: str, setting: Registry) -> CloudIndex | None:
    host = (urlsplit(url).hostname or "").lower()
    if setting is Registry.AZURE_ARTIFACTS or (setting is Registry.AUTO and AZURE_HOSTS.match(host)):
        return CloudIndex(Registry.AZURE_ARTIFACTS, "Azure Artifacts", "azure", "azure", "azure-identity")
    return None


def _detector(kind: Callable[[str, Registry], CloudIndex | None]) -> Callable[[Context], CloudSdk | None]:
    def detect(context: Context) -> CloudSdk | None:
        index = kind(context.url, context.settings.registry)
        return CloudSdk(index) if index is not None else None

    return detect


# The exchanges' detectors, one a cloud: its registry, by the upload URL's host or as option `registry` names it.
codeartifact = _detector(_codeartifact_index)
artifact_registry = _detector(_artifact_registry_index)
azure = _detector(_azure_index)


class CloudSdk:
    """Tokens for one cloud registry, each fetched by its SDK within `timeout` seconds; a failure is a `NotMinted`
    saying why (shown where the "no password" error lists the places looked), never a traceback."""

    trusted = False

    def __init__(self, index: CloudIndex, *, timeout: float = WAIT) -> None:
        self.index = index
        self.timeout = timeout

    @property
    def source(self) -> str:
        return self.index.name

    def wanted(self, username: str | None) -> Decision:  # noqa: ARG002 -- a cloud registry takes only its tokens
        """Always: the registry takes its SDK's tokens, whatever username was given."""
        return Decision(wanted=True)

    def preview(self) -> str:
        index = self.index
        return f"{index.name} (a real run asks {index.sdk} for a token, user {index.username})"

    def mint(self) -> MintedToken | NotMinted:
        index = self.index
        fetch = {
            Registry.CODEARTIFACT: _codeartifact,
            Registry.ARTIFACT_REGISTRY: _artifact_registry,
            Registry.AZURE_ARTIFACTS: _azure,
        }[index.registry]
        answer = call_within(lambda: fetch(index), self.timeout, "cloud-token")
        if answer.value is not None:
            token, expires, detail = answer.value
            return MintedToken(Secret(token), expires, f"{index.sdk}{detail}", index.username)
        if answer.error is None:
            why = f"no token within {self.timeout:g} s"
        elif isinstance(answer.error, _MissingSdk):
            why = str(answer.error)
        else:
            why = scrub(describe(answer.error))
        return NotMinted(f"{index.name} ({why})")


class _MissingSdk(Exception):  # noqa: N818 -- a reason, raised to end the call
    """The SDK is not installed: which extra installs it."""


# The few calls of each SDK made here, as the SDK's documentation gives them.
class _AuthorizationToken(TypedDict):
    authorizationToken: str
    expiration: datetime


class _CodeArtifact(Protocol):
    def get_authorization_token(
        self,
        *,
        domain: str,
        domainOwner: str,  # noqa: N803 -- boto3's name
        durationSeconds: int,  # noqa: N803
    ) -> _AuthorizationToken: ...


class _Session(Protocol):
    profile_name: str | None

    def client(self, service_name: str, *, region_name: str) -> _CodeArtifact: ...


class _SessionModule(Protocol):
    def Session(self, *, region_name: str) -> _Session: ...  # noqa: N802 -- boto3's name


class _Boto3(Protocol):
    session: _SessionModule


class _GoogleCredentials(Protocol):
    token: str
    expiry: datetime | None

    def refresh(self, request: object) -> None: ...


class _GoogleAuth(Protocol):
    def default(self, *, scopes: list[str]) -> tuple[_GoogleCredentials, str | None]: ...


class _GoogleRequests(Protocol):
    def Request(self) -> object: ...  # noqa: N802 -- google-auth's name


class _AccessToken(Protocol):
    token: str
    expires_on: int


class _AzureCredential(Protocol):
    def get_token(self, *scopes: str) -> _AccessToken: ...


class _AzureIdentity(Protocol):
    def DefaultAzureCredential(self) -> _AzureCredential: ...  # noqa: N802 -- azure-identity's name


def _import(module: str, index: CloudIndex) -> ModuleType:
    try:
        return importlib.import_module(module)
    except ImportError:
        message = (
            f"its SDK is not installed: install hatch-custom-index[{index.extra}] beside Hatch for a token from "
            f"{index.sdk}"
        )
        raise _MissingSdk(message) from None


def _codeartifact(index: CloudIndex) -> tuple[str, float, str]:
    """boto3's `get_authorization_token` for the domain and owner in the URL, in the URL's region."""
    if not index.domain:
        message = "the URL does not name the domain and account (DOMAIN-OWNER.d.codeartifact.REGION.amazonaws.com)"
        raise ValueError(message)
    boto3 = cast("_Boto3", _import("boto3", index))
    session = boto3.session.Session(region_name=index.region)
    client = session.client("codeartifact", region_name=index.region)
    answer = client.get_authorization_token(
        domain=index.domain, domainOwner=index.owner, durationSeconds=CODEARTIFACT_SECONDS
    )
    expires = answer["expiration"].timestamp()
    profile = session.profile_name
    return answer["authorizationToken"], expires, f", profile {profile}" if profile else ""


def _artifact_registry(index: CloudIndex) -> tuple[str, float, str]:
    """google-auth's Application Default Credentials, refreshed for an access token."""
    auth = cast("_GoogleAuth", _import("google.auth", index))
    requests_transport = cast("_GoogleRequests", _import("google.auth.transport.requests", index))
    credentials, project = auth.default(scopes=[GOOGLE_SCOPE])
    credentials.refresh(requests_transport.Request())
    expiry = credentials.expiry
    expires = expiry.replace(tzinfo=timezone.utc).timestamp() if expiry is not None else time.time() + 3600
    who = getattr(credentials, "service_account_email", None) or project
    return credentials.token, expires, f", Application Default Credentials of {who}" if who else ""


def _azure(index: CloudIndex) -> tuple[str, float, str]:
    """azure-identity's `DefaultAzureCredential` (environment, workload and managed identity, the Azure CLI, ...)."""
    identity = cast("_AzureIdentity", _import("azure.identity", index))
    token = identity.DefaultAzureCredential().get_token(AZURE_DEVOPS_SCOPE)
    return token.token, float(token.expires_on), ", DefaultAzureCredential"
