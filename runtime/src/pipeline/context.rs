//! The per-request state a generated handler receives: request head and body, the route, the
//! identity established by the auth method, and what the response must carry back.

use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http::{HeaderValue, header};

use super::Pipeline;
use crate::auth::Identity;
use crate::compile::table::RouteEntry;
use crate::response::{HttpError, IntoResponse, Response};
use crate::rpc::{self, IntoRpcResult, RpcCall, RpcError};
use crate::services::Services;

/// Everything a handler's arguments are extracted from. Built by the pipeline; generated code
/// only moves it around.
#[derive(Debug)]
pub struct RequestContext {
    pub(crate) head: http::request::Parts,
    /// Read only after authentication succeeded.
    pub(crate) body: Bytes,
    pub(crate) params: Vec<(String, String)>,
    pub(crate) identity: Identity,
    pub(crate) pipeline: Arc<Pipeline>,
    pub(crate) route: Arc<RouteEntry>,
    pub(crate) rpc: Option<RpcCall>,
    /// `Set-Cookie` values decided before the handler ran (cookie mode).
    pub(crate) set_cookies: Vec<HeaderValue>,
    /// `Set-Cookie` values decided by the handler through [`crate::SessionControl`].
    pub(crate) handler_cookies: Option<Arc<Mutex<Vec<HeaderValue>>>>,
}

impl RequestContext {
    pub(crate) fn services(&self) -> &Arc<Services> {
        &self.pipeline.services
    }

    /// Renders an extraction failure in the route's dialect (plain JSON or JSON-RPC).
    #[doc(hidden)]
    pub fn reject(self, rejection: HttpError) -> Response {
        if self.route.def.json {
            let err = RpcError::from(rejection);
            let response = rpc::error_response(self.rpc_id(), &err);
            self.finish(response)
        } else {
            let response = rejection.into_response();
            self.finish(response)
        }
    }

    fn rpc_id(&self) -> Option<&serde_json::value::RawValue> {
        self.rpc.as_ref().and_then(|call| call.id.as_deref())
    }

    /// Adds what every response of this request carries: cookies and CORS.
    pub(crate) fn finish(self, mut response: Response) -> Response {
        let headers = response.headers_mut();
        for cookie in self.set_cookies {
            headers.append(header::SET_COOKIE, cookie);
        }
        if let Some(cookies) = self.handler_cookies {
            let cookies = match cookies.lock() {
                Ok(mut guard) => std::mem::take(&mut *guard),
                Err(poisoned) => std::mem::take(&mut *poisoned.into_inner()),
            };
            for cookie in cookies {
                headers.append(header::SET_COOKIE, cookie);
            }
        }
        self.route.add_cors_headers(headers);
        response
    }
}

/// Finishes a `type = "http"` route: the handler's value is the response.
#[doc(hidden)]
pub fn finish_http<R: IntoResponse>(ctx: RequestContext, output: R) -> Response {
    let response = output.into_response();
    ctx.finish(response)
}

/// Finishes a `type = "json"` route: the handler's value becomes the JSON-RPC `result`.
#[doc(hidden)]
pub fn finish_json<R: IntoRpcResult>(ctx: RequestContext, output: R) -> Response {
    let response = match output.into_rpc_result() {
        Ok(value) => rpc::result_response(ctx.rpc_id(), &value),
        Err(err) => rpc::error_response(ctx.rpc_id(), &err),
    };
    ctx.finish(response)
}
