//! `validator! { ... }`: parse the fields, check them, expand to a registered descriptor plus
//! the `jwt_<name>` marker type that auth strings and `next` resolve through.

use proc_macro2::TokenStream;

mod check;
mod expand;
mod parse;

pub fn validator(input: TokenStream) -> TokenStream {
    let result = parse::parse(input.clone())
        .and_then(check::check)
        .map(|checked| expand::expand(&checked));
    match result {
        Ok(tokens) => tokens,
        Err(err) => {
            let mut out = err.into_compile_error();
            if let Some((vis, name)) = parse::salvage_name(input) {
                out.extend(expand::placeholder(&vis, &name));
            }
            out
        }
    }
}
