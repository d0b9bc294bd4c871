//! SerDes equalisers acting on a pulse response: the transmitter FFE, the IEEE CTLE family
//! (Annex 93A eq. 93A-22, Annex 178A eq. 178A-14) and a general pole-zero CTLE, the receiver FFE
//! and the DFE, with zero-forcing and MMSE adaptation on the pulse response.

pub mod adapt;
pub mod ctle;
pub mod ffe;
pub mod optimise;
